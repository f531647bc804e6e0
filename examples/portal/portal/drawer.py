"""The side drawer for one engagement (``?e=<id>`` on any tab, ``&dt=files``
for its Files tab), the file downloads and the report link."""

from dataclasses import dataclass
from typing import List, Optional

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from engsched import Action, Engagement, EngagementId, FileInfo, NotFoundError

from . import forms
from .format import operator_role_label
from .session import current_user, store

bp = Blueprint("drawer", __name__)

#: the actions the drawer draws a button for (templates/drawer.html)
DRAWER_ACTIONS = Action.APPROVE | Action.EDIT | Action.CANCEL


def view_only(caps: Action) -> bool:
    """Whether the drawer says "view only": the library's capabilities
    allow none of the actions it has a button for. Not ``caps == VIEW``: a
    client on their own Pending request may upload files, yet has no
    button either."""
    return not caps & DRAWER_ACTIONS


@dataclass(frozen=True)
class Operator:
    """An assigned operator as the drawer lists them."""

    name: str
    role: str


@dataclass(frozen=True)
class Drawer:
    """What the drawer shows: the engagement and what the user may do with it."""

    engagement: Engagement
    client: str
    caps: Action
    operators: List[Operator]
    files: List[FileInfo]
    report_url: Optional[str]
    section: str

    @property
    def view_only(self) -> bool:
        """No button to draw: see :func:`view_only`."""
        return view_only(self.caps)

    def may(self, action: Action) -> bool:
        """Whether the library's capabilities allow ``action`` now."""
        return bool(self.caps & action)


def _operators(e: Engagement) -> List[Operator]:
    sched = store()
    result = []
    for a in e.operators:
        try:
            name = sched.user_info(a.user).display_name
        except NotFoundError:
            name = f"user {a.user}"
        result.append(Operator(name, operator_role_label(a.role)))
    return result


def report_url(e: Engagement) -> Optional[str]:
    """The tenant's report link for the engagement's report (``{id}`` is the
    report's id), None when there is no report or no template."""
    if e.report is None:
        return None
    template = store().setting_get("report_url")
    return template.replace("{id}", str(e.report)) if template else None


def load(eid: EngagementId, section: str = "details") -> Drawer:
    """The drawer's content; NotFoundError for an engagement out of scope."""
    sched, uid = store(), current_user()
    e = sched.engagement(uid, eid)
    caps = sched.capabilities(uid, eid)
    files = sched.files(uid, eid) if caps & Action.FILES_DOWNLOAD else []
    return Drawer(e, sched.client_name(e.client), caps, _operators(e), files,
                  report_url(e), section)


def drawer_context() -> Optional[Drawer]:
    """The drawer the current page's ``?e=`` asks for, if any."""
    text = request.args.get("e")
    if not text:
        return None
    section = "files" if request.args.get("dt") == "files" else "details"
    return load(forms.engagement_id(text), section)


@bp.route("/engagement/<eid>/files/<fid>")
def download(eid: str, fid: str) -> ResponseReturnValue:
    """One support file, as an attachment."""
    sched, uid = store(), current_user()
    engagement, file = forms.engagement_id(eid), forms.file_id(fid)
    info = next((f for f in sched.files(uid, engagement) if f.id == file), None)
    if info is None:
        raise NotFoundError(f"file {file} not found")
    data = sched.read_file(uid, file)
    response = Response(data, mimetype=info.media_type or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe(info.name)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in name) or "file"


@bp.route("/engagement/<eid>/report")
def report(eid: str) -> ResponseReturnValue:
    """The placeholder for the report module when no report_url is set."""
    d = load(forms.engagement_id(eid))
    return render_template("report.html", d=d, tab="")
