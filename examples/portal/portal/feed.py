"""The per-user calendar feed: a page that issues the feed URL, and the
feed itself for calendar clients (the token in the URL is the only key)."""

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .session import current_user, store

bp = Blueprint("feed", __name__)


@bp.route("/calendar-feed", methods=["GET", "POST"])
def page() -> ResponseReturnValue:
    """GET explains; POST issues a new token (replacing the old one) and shows
    its URL once: the library stores only a hash of it."""
    url = None
    if request.method == "POST":
        token = store().feed_token_issue(current_user(), current_user())
        url = url_for("feed.ics", token=token, _external=True)
    return render_template("feed.html", tab="feed", url=url)


@bp.route("/feed/<token>.ics")
def ics(token: str) -> ResponseReturnValue:
    """The feed a token opens (403 with the library's message otherwise)."""
    body = store().feed_by_token(token)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="schedule.ics"'})
