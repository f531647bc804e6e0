"""The write flows: request (with files), new engagement, Schedule & create
report, edit and cancel. Each form carries the version the user saw, and
every refusal comes back as the library's message (errors.py)."""

import datetime
from typing import Any, Dict, List, Optional, Tuple

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engsched import Candidate, Engagement, OperatorRole, Permission

from . import forms
from .drawer import load
from .session import current_user, demo_users, store
from .streams import drain

bp = Blueprint("flows", __name__)

ROLES = [OperatorRole.TESTER, OperatorRole.LEAD, OperatorRole.REVIEWER, OperatorRole.NONE]


def clients() -> List[Tuple[int, str]]:
    """The demo clients the forms offer (the library refuses those out of scope)."""
    sched = store()
    result = []
    for key in current_app.config["PORTAL_CLIENTS"]:
        cid = sched.client_find(key)
        if cid is not None:
            result.append((int(cid), sched.client_name(cid)))
    return result


def operator_choices() -> List[Tuple[int, str]]:
    """The demo users who are operators (REPORT_VIEW + REPORT_EDIT)."""
    sched = store()
    return [(u.id, u.name) for u in demo_users() if sched.user_permissions(u.id).is_operator]


def shown(e: Engagement) -> ResponseReturnValue:
    """After a change: the engagement's month with its drawer open."""
    return redirect(url_for("calendar.month", m=e.start.strftime("%Y-%m"), e=e.id))


def _details() -> Dict[str, Any]:
    return {
        "name": forms.text("name"),
        "description": forms.text("description"),
        "location": forms.text("location"),
        "contacts": forms.text("contacts"),
        "start": forms.date("start"),
        "end": forms.date("end"),
    }


def _blank_form(kind: str) -> ResponseReturnValue:
    today = datetime.date.today()
    sched = store()
    limits = (int(sched.setting_get("file_max_count")), int(sched.setting_get("file_max_bytes")))
    return render_template("engagement_form.html", kind=kind, tab="", clients=clients(),
                           operators=operator_choices(), roles=ROLES, limits=limits,
                           start=today + datetime.timedelta(days=7),
                           end=today + datetime.timedelta(days=11))


@bp.route("/request", methods=["GET", "POST"])
def request_engagement() -> ResponseReturnValue:
    """Request an engagement (REQUEST), with support files (FILES_UPLOAD)."""
    if request.method == "GET":
        return _blank_form("request")
    sched, uid = store(), current_user()
    eid = sched.request(uid, client=forms.number("client"), files=forms.files(), **_details())
    return shown(sched.engagement(uid, eid))


@bp.route("/new", methods=["GET", "POST"])
def new_engagement() -> ResponseReturnValue:
    """Create an engagement directly with its operators (CREATE)."""
    if request.method == "GET":
        return _blank_form("create")
    sched, uid = store(), current_user()
    eid = sched.create(uid, client=forms.number("client"), files=forms.files(),
                       report_title=forms.text("report_title"), operators=forms.operators(),
                       **_details())
    return shown(sched.engagement(uid, eid))


def candidates(eid: int) -> List[Candidate]:
    """Who may be staffed, best first, with their existing work in the dates
    (empty for a user without ASSIGN: the form then offers no operators)."""
    sched, uid = store(), current_user()
    if not sched.user_permissions(uid) & Permission.ASSIGN:
        return []
    return drain(sched.candidates(uid, eid))


@bp.route("/engagement/<int:eid>/approve", methods=["GET", "POST"])
def approve(eid: int) -> ResponseReturnValue:
    """Schedule & create report (APPROVE): title, dates and operators."""
    sched, uid = store(), current_user()
    if request.method == "GET":
        d = load(eid)
        return render_template("approve.html", d=d, tab="", candidates=candidates(eid),
                               roles=ROLES)
    sched.approve(uid, eid, version=forms.number("version"),
                  report_title=forms.text("report_title"), start=forms.date("start"),
                  end=forms.date("end"), operators=forms.operators())
    return shown(sched.engagement(uid, eid))


@bp.route("/engagement/<int:eid>/edit", methods=["GET", "POST"])
def edit(eid: int) -> ResponseReturnValue:
    """Edit details and dates (EDIT) against the version the form showed."""
    sched, uid = store(), current_user()
    if request.method == "GET":
        return render_template("edit.html", d=load(eid), tab="", overlaps=None)
    overlaps = sched.edit(uid, eid, forms.number("version"), **_details())
    if overlaps:
        # Saved, but the new dates overlap operators' work: say so before moving on.
        return render_template("edit.html", d=load(eid), tab="", overlaps=overlaps)
    return shown(sched.engagement(uid, eid))


@bp.route("/engagement/<int:eid>/cancel", methods=["GET", "POST"])
def cancel(eid: int) -> ResponseReturnValue:
    """Cancel (CANCEL) with a reason; final."""
    sched, uid = store(), current_user()
    if request.method == "GET":
        return render_template("cancel.html", d=load(eid), tab="")
    reason: Optional[str] = forms.text("reason")
    sched.cancel(uid, eid, version=forms.number("version"), reason=reason)
    return shown(sched.engagement(uid, eid))
