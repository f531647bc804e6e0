"""Typed ids: one :func:`typing.NewType` over ``int`` per kind of row.

At run time an id is a plain ``int`` (the C ``engsched_id``); to a type
checker each kind is its own type, so passing a client where a user is
expected, or a bare ``int`` variable where an engagement is expected, is
an error mypy reports. The library hands ids out (``client_upsert`` returns
a :data:`ClientId`, a snapshot's ``client`` is one); a host that keeps ids
of its own wraps them once, ``EngagementId(row["id"])``.

Each kind is checked by the library too: an id of the wrong kind names no
row of the right one, so a call refuses it (NotFoundError), never acts on
another row.
"""

from __future__ import annotations

from typing import Final, NewType

__all__ = [
    "UserId",
    "ClientId",
    "EngagementId",
    "RoleId",
    "FileId",
    "ReportId",
    "UnavailabilityId",
    "OutboxItemId",
    "SYSTEM",
]

#: A user of the directory (an actor, an operator, a requester).
UserId = NewType("UserId", int)
#: A client (tenant customer) whose engagements users are given access to.
ClientId = NewType("ClientId", int)
#: An engagement.
EngagementId = NewType("EngagementId", int)
#: A role, built-in (:class:`~engsched.BuiltinRole`) or custom.
RoleId = NewType("RoleId", int)
#: A support file attached to an engagement.
FileId = NewType("FileId", int)
#: The report of an engagement.
ReportId = NewType("ReportId", int)
#: One recorded stretch of a user's unavailability.
UnavailabilityId = NewType("UnavailabilityId", int)
#: One item of the outbox (an invitation mail or an event document).
OutboxItemId = NewType("OutboxItemId", int)

#: The actor of the host's own trusted calls (ENGSCHED_SYSTEM). Never a
#: default: every call that acts names its actor, and a host that means
#: "the system" says ``actor=SYSTEM``.
SYSTEM: Final = UserId(0)
