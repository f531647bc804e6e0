"""The write flows: request (with files), new engagement, Schedule & create
report, edit and cancel. Each form carries the version the user saw, and
every refusal comes back as the library's message (errors.py)."""

import datetime
from typing import Any, Dict, List, Optional, Tuple

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engsched import (
    Candidate,
    ClientId,
    Engagement,
    EngagementId,
    OperatorRole,
    Permission,
    UserId,
)

from . import forms
from .drawer import load
from .session import acting, current_user, demo_users, directory, store
from .streams import drain

bp = Blueprint("flows", __name__)

ROLES = [OperatorRole.TESTER, OperatorRole.LEAD, OperatorRole.REVIEWER, OperatorRole.NONE]


def clients() -> List[Tuple[ClientId, str]]:
    """The clients the acting user was granted, as the host's directory
    says (all of them for an all-clients user): a form never names a
    client the user may not see. The library still refuses a forged one."""
    sched = store()
    result = []
    for client in directory().clients_of(acting().host_key):
        cid = sched.client_find(client.key)
        if cid is not None:
            result.append((cid, sched.client_name(cid)))
    return result


def operator_choices() -> List[Tuple[UserId, str]]:
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
    eid = sched.request(uid, client=forms.client_id(forms.field("client")), files=forms.files(),
                        **_details())
    return shown(sched.engagement(uid, eid))


@bp.route("/new", methods=["GET", "POST"])
def new_engagement() -> ResponseReturnValue:
    """Create an engagement directly with its operators (CREATE)."""
    if request.method == "GET":
        return _blank_form("create")
    sched, uid = store(), current_user()
    eid = sched.create(uid, client=forms.client_id(forms.field("client")), files=forms.files(),
                       report_title=forms.text("report_title"), operators=forms.operators(),
                       **_details())
    return shown(sched.engagement(uid, eid))


def candidates(eid: EngagementId) -> List[Candidate]:
    """Who may be staffed, best first, with their existing work in the dates
    (empty for a user without ASSIGN: the form then offers no operators)."""
    sched, uid = store(), current_user()
    if not sched.user_permissions(uid) & Permission.ASSIGN:
        return []
    return drain(sched.candidates(uid, eid))


@bp.route("/engagement/<eid>/approve", methods=["GET", "POST"])
def approve(eid: str) -> ResponseReturnValue:
    """Schedule & create report (APPROVE): title, dates and operators."""
    sched, uid, engagement = store(), current_user(), forms.engagement_id(eid)
    if request.method == "GET":
        d = load(engagement)
        return render_template("approve.html", d=d, tab="", candidates=candidates(engagement),
                               roles=ROLES)
    sched.approve(uid, engagement, version=forms.version(),
                  report_title=forms.text("report_title"), start=forms.date("start"),
                  end=forms.date("end"), operators=forms.operators())
    return shown(sched.engagement(uid, engagement))


@bp.route("/engagement/<eid>/edit", methods=["GET", "POST"])
def edit(eid: str) -> ResponseReturnValue:
    """Edit details and dates (EDIT) against the version the form showed."""
    sched, uid, engagement = store(), current_user(), forms.engagement_id(eid)
    if request.method == "GET":
        return render_template("edit.html", d=load(engagement), tab="", overlaps=None)
    overlaps = sched.edit(uid, engagement, forms.version(), **_details())
    if overlaps:
        # Saved, but the new dates overlap operators' work: say so before moving on.
        return render_template("edit.html", d=load(engagement), tab="", overlaps=overlaps)
    return shown(sched.engagement(uid, engagement))


@bp.route("/engagement/<eid>/cancel", methods=["GET", "POST"])
def cancel(eid: str) -> ResponseReturnValue:
    """Cancel (CANCEL) with a reason; final."""
    sched, uid, engagement = store(), current_user(), forms.engagement_id(eid)
    if request.method == "GET":
        return render_template("cancel.html", d=load(engagement), tab="")
    reason: Optional[str] = forms.text("reason")
    sched.cancel(uid, engagement, version=forms.version(), reason=reason)
    return shown(sched.engagement(uid, engagement))
