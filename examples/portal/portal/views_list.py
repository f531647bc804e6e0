"""The List tab: status tabs and keyset pages (the library's opaque tokens)."""

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from engsched import Tab

from .drawer import drawer_context
from .errors import BadInput
from .session import current_user, store

bp = Blueprint("list", __name__)

#: rows a page unless the app config says PORTAL_PAGE_SIZE
PAGE_SIZE = 10


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
    """One page of the tab (``?tab=``); ``?token=`` resumes where the last page ended."""
    tab = parse_tab(request.args.get("tab", ""))
    token = request.args.get("token") or None
    size = int(current_app.config.get("PORTAL_PAGE_SIZE", PAGE_SIZE))
    page = store().list(current_user(), tab=tab, limit=size, token=token)
    sched = store()
    client_names = {r.client: sched.client_name(r.client) for r in page.rows}
    here = {"tab": tab.name.lower()}
    if token:
        here["token"] = token
    return render_template(
        "list.html",
        tab="list",
        tabs=list(Tab),
        current=tab,
        page=page,
        client_names=client_names,
        first_page=token is None,
        drawer=drawer_context(),
        here=here,
    )
