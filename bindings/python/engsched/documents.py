"""Documents the library renders: invitations (iCalendar, iMIP), calendar
feeds and JSON export and import.

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, Mapping, Union

from ._args import _id, _text
from ._core import _Core
from .ids import EngagementId, UserId

__all__ = ["DocumentsMixin"]


class DocumentsMixin(_Core):
    """Invitations, feeds and JSON; part of :class:`~engsched.Scheduler`."""

    # --- invitations, feeds, JSON ----------------------------------------

    def invitation_ics(self, actor: UserId, engagement: EngagementId, user: UserId) -> str:
        """The operator's invitation as iCalendar text (REQUEST or CANCEL)."""
        return self._call_string(
            "engsched_invitation_ics", _id(actor, "actor"), _id(engagement, "engagement"),
            _id(user, "user"),
        )

    def invitation_mail(self, actor: UserId, engagement: EngagementId, user: UserId) -> bytes:
        """The invitation's iMIP message as last sent (RFC 5322, CRLF)."""
        return self._call_bytes(
            "engsched_invitation_mail", _id(actor, "actor"), _id(engagement, "engagement"),
            _id(user, "user"),
        )

    def feed_ics(self, actor: UserId, user: UserId) -> str:
        """A calendar feed (METHOD:PUBLISH) of what ``user`` may see."""
        return self._call_string("engsched_feed_ics", _id(actor, "actor"), _id(user, "user"))

    def engagement_json(self, actor: UserId, engagement: EngagementId) -> str:
        """One engagement as JSON text (docs/json.md)."""
        return self._call_string(
            "engsched_engagement_json", _id(actor, "actor"), _id(engagement, "engagement")
        )

    def export_json(self, actor: UserId) -> str:
        """Everything ``actor`` may see as one JSON document."""
        return self._call_string("engsched_export_json", _id(actor, "actor"))

    def import_json(
        self, document: Union[str, bytes, Mapping[str, Any]], *, actor: UserId
    ) -> int:
        """Import an export document, all or nothing; returns how many
        engagements were imported."""
        if isinstance(document, Mapping):
            document = json.dumps(dict(document), ensure_ascii=False)
        if isinstance(document, (bytes, bytearray)):
            document = bytes(document).decode("utf-8")
        raw = _text(document, "document")
        out = ctypes.c_uint()
        self._call("engsched_import_json", _id(actor, "actor"), raw, ctypes.byref(out))
        return out.value
