"""The List tab: status tabs and keyset pages (the library's opaque tokens).

A token resumes after a row; it cannot count back. So each page's URL also
carries the tokens of the pages before it (``?back=``), and "Previous
page" is the last of them: paging stays stateless, with no offsets and
nothing kept in the session."""

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from engsched import Tab

from .drawer import drawer_context
from .errors import BadInput
from .session import current_user, store

bp = Blueprint("list", __name__)

#: rows a page unless the app config says PORTAL_PAGE_SIZE
PAGE_SIZE = 10

#: joins the tokens in ``?back=``: the library's tokens ("es2." and URL-safe
#: base64) never hold one
TRAIL_SEPARATOR = ","


@dataclass(frozen=True)
class Position:
    """Where a List page is: its token (None for the first page) and the
    tokens of the pages between the first and it, oldest first."""

    token: Optional[str] = None
    back: Tuple[str, ...] = ()

    @classmethod
    def parse(cls, token: str, back: str) -> "Position":
        """From the URL's ``token`` and ``back``; a trail without a token
        means nothing (the first page has none before it)."""
        if not token:
            return cls()
        return cls(token, tuple(t for t in back.split(TRAIL_SEPARATOR) if t))

    @property
    def number(self) -> int:
        """The page's number, 1 for the first."""
        return 1 if self.token is None else len(self.back) + 2

    def args(self) -> Dict[str, str]:
        """The URL arguments naming this page."""
        if self.token is None:
            return {}
        if not self.back:
            return {"token": self.token}
        return {"token": self.token, "back": TRAIL_SEPARATOR.join(self.back)}

    def following(self, token: str) -> "Position":
        """The page the library's ``next_token`` opens."""
        return Position(token, self.back + ((self.token,) if self.token else ()))

    def previous(self) -> Optional["Position"]:
        """The page before this one, None on the first."""
        if self.token is None:
            return None
        if not self.back:
            return Position()
        return Position(self.back[-1], self.back[:-1])


def parse_tab(text: str) -> Tab:
    """A tab by its URL name ("in_progress"); All if empty."""
    if not text:
        return Tab.ALL
    try:
        return Tab[text.upper()]
    except KeyError:
        raise BadInput(f"tab: {text!r} is not a tab") from None


@bp.route("/list")
def rows() -> ResponseReturnValue:
    """One page of the tab (``?tab=``); ``?token=`` resumes where the last
    page ended, ``?back=`` lists the tokens of the pages before it."""
    tab = parse_tab(request.args.get("tab", ""))
    position = Position.parse(request.args.get("token", ""), request.args.get("back", ""))
    size = int(current_app.config.get("PORTAL_PAGE_SIZE", PAGE_SIZE))
    sched = store()
    page = sched.list(current_user(), tab=tab, limit=size, token=position.token)
    client_names = {r.client: sched.client_name(r.client) for r in page.rows}
    return render_template(
        "list.html",
        tab="list",
        tabs=list(Tab),
        current=tab,
        page=page,
        client_names=client_names,
        position=position,
        following=position.following(page.next_token) if page.next_token else None,
        drawer=drawer_context(),
        here={"tab": tab.name.lower(), **position.args()},
    )
