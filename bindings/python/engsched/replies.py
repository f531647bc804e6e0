"""Operators' answers to their invitations (iTIP REPLY, RFC 5546 §3.2.3).

A calendar client answers an invitation by mailing the organizer a
``text/calendar; method=REPLY`` part; the host takes that part out of the
mail (``part.get_content_type() == "text/calendar"`` with
``part.get_param("method") == "REPLY"`` in the ``email`` package) and hands
it to :meth:`RepliesMixin.reply`.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, ContextManager, Dict, Tuple, Union

from . import _lib
from ._args import _int


def response_name(value: int) -> str:
    """The stable name of an answer: none, accepted, declined, tentative."""
    name = _lib.get().engsched_response_name(int(value))
    return name.decode() if name is not None else "unknown"


class RepliesMixin:
    """Recording and reading answers; part of :class:`~engsched.Scheduler`."""

    _lib: Any

    if TYPE_CHECKING:  # provided by Scheduler

        def _handle(self) -> ContextManager[Any]: ...

        def _check(self, db: Any, rc: int) -> None: ...

        def _call(self, name: str, *args: Any) -> None: ...

    def reply(self, actor: int, ics: Union[bytes, str]) -> Dict[str, Any]:
        """Record the answer an iTIP REPLY carries; returns ``engagement``,
        ``user``, ``response`` (its name) and ``sequence``.

        InvalidError (malformed, not METHOD:REPLY, a SEQUENCE never sent),
        TooBigError (over 1 MiB), NotFoundError (unknown UID), ConflictError
        (a stale SEQUENCE), DeniedError (another attendee, or an actor who
        may not answer for the operator), StateError (unassigned, canceled);
        a refusal changes nothing."""
        data = ics.encode("utf-8") if isinstance(ics, str) else bytes(ics)
        out = _lib.ReplyResult(_lib.REPLY_RESULT_VERSION, 0, 0, 0, 0)
        buf = ctypes.create_string_buffer(data, len(data))
        self._call("engsched_invitation_reply", _int(actor, "actor"), buf, len(data),
                   ctypes.byref(out))
        return {
            "engagement": out.engagement,
            "user": out.user,
            "response": response_name(out.response),
            "sequence": out.sequence,
        }

    def invitation_response(self, actor: int, engagement: int, user: int) -> Tuple[str, int]:
        """The operator's last answer and its time (UTC seconds): ``("none",
        0)`` before any. Visible as :meth:`invitation_ics` is."""
        response = ctypes.c_int()
        at = ctypes.c_int64()
        self._call("engsched_invitation_response", _int(actor, "actor"),
                   _int(engagement, "engagement"), _int(user, "user"), ctypes.byref(response),
                   ctypes.byref(at))
        return response_name(response.value), at.value
