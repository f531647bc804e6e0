"""The Schedule portal: a small Flask application over the public engsched
bindings (Calendar, List and Availability tabs, the engagement drawer and
the request, create, approve, edit and cancel flows)."""

import secrets
from typing import Optional

from flask import Flask

from engsched import Scheduler

from . import drawer, errors, feed, flows, format, session
from . import views_availability, views_calendar, views_list
from .demo import DEMO_DIRECTORY, Directory

#: room for the form fields around the files of one upload
FORM_OVERHEAD_BYTES = 256 * 1024


def upload_limit(sched: Scheduler) -> int:
    """The largest request body the portal reads: the library's file limits
    (size per file times files per engagement) and the form fields."""
    per_file = int(sched.setting_get("file_max_bytes"))
    count = int(sched.setting_get("file_max_count"))
    return per_file * max(count, 1) + FORM_OVERHEAD_BYTES


def create_app(
    store_path: str,
    *,
    directory: Directory = DEMO_DIRECTORY,
    secret_key: Optional[str] = None,
    max_upload_bytes: Optional[int] = None,
) -> Flask:
    """The portal over the store at ``store_path`` (opened once, shared by
    all requests: the bindings serialise calls on one handle).

    ``directory`` is the host's: the people the user switcher offers and
    the clients each was granted (the forms offer only those); ``secret_key``
    signs the session (a random one per process by default);
    ``max_upload_bytes`` overrides the limit read from the store."""
    app = Flask(__name__)
    sched = Scheduler.open(store_path, create=False)
    app.extensions["engsched"] = sched
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_hex(32),
        PORTAL_DIRECTORY=directory,
        MAX_CONTENT_LENGTH=max_upload_bytes or upload_limit(sched),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.jinja_env.globals["fmt"] = format
    errors.register(app)
    session.register(app)
    for module in (views_calendar, views_list, views_availability, drawer, flows, feed):
        app.register_blueprint(module.bp)
    return app
