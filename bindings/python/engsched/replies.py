"""Operators' answers to their invitations (iTIP REPLY, RFC 5546 §3.2.3).

A calendar client answers an invitation by mailing the organizer a
``text/calendar; method=REPLY`` part; the host takes that part out of the
mail (``part.get_content_type() == "text/calendar"`` with
``part.get_param("method") == "REPLY"`` in the ``email`` package) and hands
it to :meth:`RepliesMixin.reply`.
"""

from __future__ import annotations

import ctypes
import datetime
from dataclasses import dataclass
from typing import Optional, Tuple, Union

from . import _lib
from ._args import _enum, _id, _opt_utc
from ._core import _Core
from .enums import Response
from .ids import EngagementId, UserId


def response_name(value: int) -> str:
    """The stable name of an answer: none, accepted, declined, tentative
    ("unknown" for a value a newer library added)."""
    name = _lib.get().engsched_response_name(int(value))
    return name.decode() if isinstance(name, bytes) else "unknown"


@dataclass(frozen=True)
class Reply:
    """The answer one iTIP REPLY recorded (:meth:`RepliesMixin.reply`)."""

    engagement: EngagementId
    user: UserId  #: the operator who answered
    response: Response
    sequence: int  #: the SEQUENCE of the invitation answered


class RepliesMixin(_Core):
    """Recording and reading answers; part of :class:`~engsched.Scheduler`."""



    def reply(self, actor: UserId, ics: Union[bytes, str]) -> Reply:
        """Record the answer an iTIP REPLY carries; returns what it recorded.
        ``actor`` is the operator themself, or :data:`SYSTEM` for a reply
        the host took from the organizer's mailbox.

        InvalidError (malformed, not METHOD:REPLY, a SEQUENCE never sent),
        TooBigError (over 1 MiB), NotFoundError (unknown UID), ConflictError
        (a stale SEQUENCE), DeniedError (another attendee, or an actor who
        may not answer for the operator), StateError (unassigned, canceled);
        a refusal changes nothing."""
        data = ics.encode("utf-8") if isinstance(ics, str) else bytes(ics)
        out = _lib.ReplyResult(_lib.REPLY_RESULT_VERSION, 0, 0, 0, 0)
        buf = ctypes.create_string_buffer(data, len(data))
        self._call("engsched_invitation_reply", _id(actor, "actor"), buf, len(data),
                   ctypes.byref(out))
        return Reply(EngagementId(out.engagement), UserId(out.user),
                     _enum(Response, out.response), int(out.sequence))

    def invitation_response(
        self, actor: UserId, engagement: EngagementId, user: UserId
    ) -> Tuple[Response, Optional[datetime.datetime]]:
        """The operator's last answer and when (aware, UTC): ``(Response.NONE,
        None)`` before any. Visible as :meth:`invitation_ics` is
        (NotFoundError for no such invitation, or one the actor may not see)."""
        response = ctypes.c_int()
        at = ctypes.c_int64()
        self._call("engsched_invitation_response", _id(actor, "actor"),
                   _id(engagement, "engagement"), _id(user, "user"), ctypes.byref(response),
                   ctypes.byref(at))
        return _enum(Response, response.value), _opt_utc(at.value)
