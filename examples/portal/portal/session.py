"""The acting user and the CSRF token, both kept in Flask's session.

Authentication is the host's job: the user switcher stands in for the
host's login so the demo can be played as every member of the cast.
"""

import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from engsched import Action, Permission, Scheduler, UserId

from . import forms
from .demo import Directory
from .errors import BadInput
from .format import role_label

bp = Blueprint("session", __name__)

CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class DemoUser:
    """One entry of the user switcher."""

    id: UserId
    host_key: str
    name: str
    role: str


def store() -> Scheduler:
    """The app's open store."""
    sched = current_app.extensions["engsched"]
    assert isinstance(sched, Scheduler)
    return sched


def directory() -> Directory:
    """The host's directory the app was made with."""
    found = current_app.config["PORTAL_DIRECTORY"]
    assert isinstance(found, Directory)
    return found


def demo_users() -> List[DemoUser]:
    """The switcher's users that exist in the store, in the directory's order."""
    sched = store()
    users = []
    for person in directory().people:
        uid = sched.user_find(person.key)
        if uid is None:
            continue
        info = sched.user_info(uid)
        users.append(DemoUser(uid, person.key, info.display_name, role_label(info.role)))
    return users


def acting() -> DemoUser:
    """The acting user's switcher entry (set by :func:`_load_user`)."""
    entry = g.user_entry
    assert isinstance(entry, DemoUser)
    return entry


def current_user() -> UserId:
    """The acting user's id."""
    return acting().id


def permissions() -> Permission:
    """The acting user's permissions."""
    perms = g.permissions
    assert isinstance(perms, Permission)
    return perms


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def _check_csrf() -> None:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise BadInput("The form's security token is missing or out of date: "
                       "reload the page and try again.")


def _pick_user(users: List[DemoUser]) -> Optional[DemoUser]:
    wanted = session.get("user")
    for user in users:
        if user.id == wanted:
            return user
    return users[0] if users else None


def _load_user() -> None:
    if request.endpoint in ("static", "feed.ics"):
        return  # a calendar client has no session: its token is its key
    if request.method == "POST":
        _check_csrf()
    users = demo_users()
    user = _pick_user(users)
    if user is None:
        raise BadInput("The store has none of the demo users: run seed.py first.")
    g.users = users
    g.user_entry = user
    g.permissions = store().user_permissions(user.id)


@bp.route("/switch", methods=["POST"])
def switch() -> ResponseReturnValue:
    """The user switcher: the host's login would do this."""
    wanted = forms.user_id(forms.field("user"))
    if wanted not in [u.id for u in g.users]:
        raise BadInput("user: not one of the demo users")
    session["user"] = wanted
    return redirect(url_for("calendar.month"))


def register(app: Flask) -> None:
    """Install the session hooks and the switcher route."""
    app.before_request(_load_user)
    app.register_blueprint(bp)

    @app.context_processor
    def _globals() -> Dict[str, Any]:
        return {
            "csrf_token": csrf_token,
            "users": g.get("users", []),
            "me": g.get("user_entry"),
            "can": lambda perm: bool(g.get("permissions", Permission(0)) & perm),
            "Permission": Permission,
            "Action": Action,
        }
