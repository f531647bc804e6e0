"""Immutable values copied out of the C library. None of them refers to C
memory: they stay valid after the scheduler is closed."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .enums import (
    CapacityMeasure,
    OperatorRole,
    OutboxKind,
    OutboxState,
    ReportStatus,
    Response,
    Status,
    WorkKind,
)
from .ids import (
    ClientId,
    EngagementId,
    FileId,
    OutboxItemId,
    ReportId,
    RoleId,
    UnavailabilityId,
    UserId,
)

__all__ = [
    "Assignment",
    "UserInfo",
    "Engagement",
    "FileInfo",
    "WorkItem",
    "Row",
    "Page",
    "OperatorAvailability",
    "CapacityRow",
    "DeliveryResult",
    "OutboxItem",
    "StreamEvent",
]


@dataclass(frozen=True)
class UserInfo:
    """A user's directory entry."""

    id: UserId
    host_key: str
    email: str
    display_name: str
    role: RoleId
    all_clients: bool


@dataclass(frozen=True)
class Assignment:
    """An operator assigned to an engagement."""

    user: UserId
    role: OperatorRole
    assigned_by: UserId
    assigned_at: datetime.datetime  #: aware, UTC
    #: their window of the engagement's dates (all of them unless narrowed)
    window_start: Optional[datetime.date] = None
    window_end: Optional[datetime.date] = None
    #: share of the day, 1 to 100
    percent: int = 100
    #: a tentative hold, not yet confirmed
    tentative: bool = False
    #: the operator's answer to their invitation (NONE before any)
    response: Response = Response.NONE
    #: when they answered (aware, UTC); None before any answer
    responded_at: Optional[datetime.datetime] = None


@dataclass(frozen=True)
class Engagement:
    """A copy of one engagement as the actor may see it.

    Dates are :class:`datetime.date`; instants (``*_at``) timezone-aware
    :class:`datetime.datetime` in UTC. A snapshot: later changes to the
    store do not change it; ``version`` is what edits pass back to detect
    a concurrent change.
    """

    id: EngagementId
    client: ClientId
    requested_by: UserId
    name: str
    description: str
    type: str
    location: str
    contacts: str
    custom_fields_json: str
    start: datetime.date
    end: datetime.date
    status: Status
    cancel_reason: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    report: Optional[ReportId]
    report_status: ReportStatus
    report_title: str
    operators: Tuple[Assignment, ...] = ()
    #: the RRULE value the engagement recurs by, "" if none
    recurrence: str = ""
    #: the series this engagement is an occurrence of, None if none
    origin: Optional[EngagementId] = None

    @property
    def custom_fields(self) -> Dict[str, Any]:
        """The custom fields as a new dict (the snapshot itself stays immutable)."""
        value = json.loads(self.custom_fields_json or "{}")
        return value if isinstance(value, dict) else {}

    @property
    def operator_ids(self) -> List[UserId]:
        """The assigned operators' user ids, in assignment order."""
        return [a.user for a in self.operators]


@dataclass(frozen=True)
class FileInfo:
    """Metadata of one support file."""

    id: FileId
    name: str
    media_type: str
    size: int  #: bytes
    uploaded_by: UserId
    uploaded_at: datetime.datetime  #: aware, UTC


@dataclass(frozen=True)
class WorkItem:
    """One item of an operator's existing work.

    For an engagement of a client the viewer cannot access, ``id`` is 0,
    ``label`` is ``"Busy"`` and ``status`` is None: its dates only.
    ``status`` is None for unavailability too. ``id`` is an engagement id
    or an unavailability id as ``kind`` says: :attr:`engagement` and
    :attr:`unavailability` give it typed. ``user`` is whose work it is: the
    operator a conflict or Availability row is about (lists from
    ``Scheduler.edit`` gather several operators).
    """

    kind: WorkKind
    id: int
    label: str
    start: datetime.date
    end: datetime.date
    status: Optional[Status]
    user: UserId = UserId(0)
    #: engagements: the share of the day (0 for unavailability and Busy blocks)
    percent: int = 0
    #: engagements: a tentative hold
    tentative: bool = False
    #: engagements: the operator's answer to their invitation (NONE if none,
    #: and always for unavailability and Busy blocks)
    response: Response = Response.NONE

    @property
    def engagement(self) -> Optional[EngagementId]:
        """The engagement this item is, None for unavailability and Busy blocks."""
        return EngagementId(self.id) if self.kind == WorkKind.ENGAGEMENT and self.id else None

    @property
    def unavailability(self) -> Optional[UnavailabilityId]:
        """The unavailability this item is, None for an engagement."""
        return UnavailabilityId(self.id) if self.kind == WorkKind.UNAVAILABLE else None

    @property
    def anonymous(self) -> bool:
        """An engagement the viewer may not see (a "Busy" block)."""
        return self.kind == WorkKind.ENGAGEMENT and self.id == 0


@dataclass(frozen=True)
class Row:
    """One row of the List or Calendar view."""

    id: EngagementId
    client: ClientId
    name: str
    start: datetime.date
    end: datetime.date
    status: Status
    report_status: ReportStatus
    version: int
    updated_at: datetime.datetime  #: aware, UTC


@dataclass(frozen=True)
class Page:
    """One page of the List view; ``next_token`` is None on the last page."""

    rows: Tuple[Row, ...]
    next_token: Optional[str]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class OperatorAvailability:
    """One operator of the Availability view with their work in the range."""

    user: UserId
    name: str
    utilisation: float
    work: Tuple[WorkItem, ...] = field(default_factory=tuple)
    #: the load with tentative holds (``utilisation`` is the firm load)
    load_with_holds: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """One operator who may be assigned to an engagement, best first
    (:meth:`Scheduler.candidates`)."""

    user: UserId
    name: str
    rank: int  #: 1 for the best
    free_days: int  #: working days of the dates with no work and no absence
    conflict_days: int  #: days of the dates with overlapping work or absence
    matched: int  #: required skills they have
    missing: int  #: required skills they lack
    missing_tags: Tuple[str, ...] = field(default_factory=tuple)
    work: Tuple[WorkItem, ...] = field(default_factory=tuple)
    assigned: bool = False


@dataclass(frozen=True)
class CapacityRow:
    """One row of :meth:`Scheduler.capacity`: an operator's bucket, or the
    total of a bucket (``user`` 0, ``name`` None).

    Every figure is a count of person-days in hundredths (100 is one whole
    day, :data:`~engsched.CAPACITY_UNIT`), over the tenant's working days
    only (its working week less its holidays), so rows add up exactly.
    ``start`` and ``end`` are the bucket's first and last day (inclusive),
    cut to the range. A total row sums the operator rows of its bucket
    (whether or not they were streamed) and alone carries ``demand``,
    ``unstaffed`` and ``unstaffed_with_holds`` (0 on an operator's row).
    """

    user: UserId  #: the operator; 0 on a total row
    name: Optional[str]  #: the operator's display name; None on a total row
    start: datetime.date
    end: datetime.date
    #: a whole day per working day
    working: int
    #: working days an absence covers
    absent: int
    #: working less absent
    available: int
    #: on available days, the shares of firm work (Pending to Complete), at most a day each
    firm: int
    #: on available days, what tentative holds add to the firm load (the sum at most a day)
    tentative: int
    #: available less firm less tentative
    free: int
    #: the firm load past a whole day, an absence counting as a whole day
    overbooked: int
    #: totals: a whole day for every Pending or Scheduled engagement covering a working day
    demand: int = 0
    #: totals: of the demand, what the engagements' firm assignments leave uncovered
    unstaffed: int = 0
    #: totals: the same with tentative holds counted as staff
    unstaffed_with_holds: int = 0

    @property
    def is_total(self) -> bool:
        """Whether this is a bucket's total row (no operator)."""
        return self.user == 0

    def figure(self, measure: CapacityMeasure) -> int:
        """The figure of ``measure`` (engsched_capacity_value())."""
        return int(getattr(self, CapacityMeasure(measure).name.lower()))


@dataclass(frozen=True)
class DeliveryResult:
    """What one :meth:`Scheduler.deliver` call did."""

    delivered: int  #: items a callback accepted
    retrying: int  #: items refused and scheduled for a retry
    dead: int  #: items refused for the last time


@dataclass(frozen=True)
class OutboxItem:
    """One outbox item (engsched_outbox_entry), as an administrator sees it.

    ``engagement``, ``user`` and ``event_seq`` are None where the C entry
    has 0 (an event has no user, an invitation no sequence number).
    Instants (``*_at``) are timezone-aware datetimes in UTC.
    """

    id: OutboxItemId
    kind: OutboxKind
    state: OutboxState
    engagement: Optional[EngagementId]
    user: Optional[UserId]  #: mail: the operator
    event_seq: Optional[int]  #: events: the event's sequence number
    attempts: int  #: refused deliveries so far
    next_attempt_at: datetime.datetime  #: pending: from when it is due
    created_at: datetime.datetime
    updated_at: datetime.datetime
    recipient: str  #: mail: the address; "" for events
    reason: str  #: why it was refused, is dead or undeliverable; "" if none


@dataclass(frozen=True)
class StreamEvent:
    """One event of :meth:`Scheduler.event_stream`.

    ``text`` is the document exactly as the library wrote it (the bytes a
    webhook sends and ``signature`` covers: ``text.encode("utf-8")``),
    ``document`` the same parsed. ``signature`` is ``"sha256=<hex>"`` when
    the ``webhook_secret`` setting is set, else None.
    """

    seq: int  #: the event's sequence number, the receiver's idempotency key
    document: Dict[str, Any] = field(compare=False, hash=False, repr=False)
    text: str
    signature: Optional[str]


@dataclass(frozen=True)
class TickReport:
    """What one tick did (``engsched_tick_ex``)."""

    #: Scheduled engagements moved to In Progress
    moved: int
    #: occurrences of recurring series created
    occurrences_created: int
