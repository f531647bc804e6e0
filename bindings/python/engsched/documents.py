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
        """The operator's invitation as iCalendar text (CRLF lines):
        METHOD:REQUEST, or METHOD:CANCEL once they were unassigned or the
        engagement canceled. ``actor`` needs VIEW and client access and must
        be the operator or hold ASSIGN. NotFoundError for no invitation (or
        one not visible), InvalidError when a setting it needs
        (``organizer_email``) is missing."""
        return self._call_string(
            "engsched_invitation_ics", _id(actor, "actor"), _id(engagement, "engagement"),
            _id(user, "user"),
        )

    def invitation_mail(self, actor: UserId, engagement: EngagementId, user: UserId) -> bytes:
        """The invitation's iMIP message as last sent (RFC 5322, CRLF): the
        exact bytes ``on_mail`` received; visible as :meth:`invitation_ics`."""
        return self._call_bytes(
            "engsched_invitation_mail", _id(actor, "actor"), _id(engagement, "engagement"),
            _id(user, "user"),
        )

    def feed_ics(self, actor: UserId, user: UserId) -> str:
        """A calendar feed (METHOD:PUBLISH) of every engagement ``user`` may
        see, canceled ones left out. ``actor`` is ``user`` or an ADMIN, who
        gets only what both may see."""
        return self._call_string("engsched_feed_ics", _id(actor, "actor"), _id(user, "user"))

    def engagement_json(self, actor: UserId, engagement: EngagementId) -> str:
        """One engagement as JSON text (docs/json.md), as ``actor`` may see
        it (VIEW; NotFoundError otherwise)."""
        return self._call_string(
            "engsched_engagement_json", _id(actor, "actor"), _id(engagement, "engagement")
        )

    def export_json(self, actor: UserId) -> str:
        """Everything ``actor`` may see as one JSON document (docs/json.md):
        the directory entries the engagements refer to, and each engagement
        with its report, operators and files (contents need FILES_DOWNLOAD).
        For a large store, :meth:`export_to` streams it instead."""
        return self._call_string("engsched_export_json", _id(actor, "actor"))

    def import_json(
        self, document: Union[str, bytes, Mapping[str, Any]], *, actor: UserId
    ) -> int:
        """Import an export document (ADMIN, or :data:`SYSTEM` named), all
        or nothing: every field is checked before anything is written.
        Returns how many engagements were imported. InvalidError names the
        line and column of malformed JSON or the path of a bad field;
        TooBigError for a file over the tenant's limits."""
        if isinstance(document, Mapping):
            document = json.dumps(dict(document), ensure_ascii=False)
        if isinstance(document, (bytes, bytearray)):
            document = bytes(document).decode("utf-8")
        raw = _text(document, "document")
        out = ctypes.c_uint()
        self._call("engsched_import_json", _id(actor, "actor"), raw, ctypes.byref(out))
        return out.value
