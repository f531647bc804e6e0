"""Calendar feed tokens from Python (include/engsched/calendar.h).

A calendar client subscribing to a feed cannot log in; the token is the
secret in its URL. :class:`~engsched.Scheduler` derives from
:class:`FeedTokenMixin`; this module holds the methods so that
scheduler.py stays the size it is.
"""

from __future__ import annotations


from ._args import _id, _text
from ._core import _Core
from .ids import UserId

__all__ = ["FeedTokenMixin"]


class FeedTokenMixin(_Core):
    """Issue, revoke and open calendar feed tokens."""


    def feed_token_issue(self, actor: UserId, user: UserId) -> str:
        """A new feed token for ``user`` (the user, an ADMIN or SYSTEM),
        replacing the one they had; shown once, never stored."""
        return self._call_string(
            "engsched_feed_token_issue", _id(actor, "actor"), _id(user, "user")
        )

    def feed_token_revoke(self, actor: UserId, user: UserId) -> None:
        """Revoke ``user``'s feed token; NotFoundError when there is none."""
        self._call("engsched_feed_token_revoke", _id(actor, "actor"), _id(user, "user"))

    def feed_by_token(self, token: str) -> str:
        """The feed a token opens; DeniedError for any token not valid."""
        return self._call_string("engsched_feed_ics_by_token", _text(token, "token"))
