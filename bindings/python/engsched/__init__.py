"""Python bindings for libengsched, on ctypes over the public C API.

>>> import engsched
>>> import datetime
>>> with engsched.Scheduler.open(":memory:") as s:
...     acme = s.client_upsert("acme", "Acme Corp", actor=engsched.SYSTEM)
...     eid = s.request(engsched.SYSTEM, name="Audit", client=acme,
...                     start=datetime.date(2026, 3, 2), end=datetime.date(2026, 3, 6))

Ids are typed (:mod:`engsched.ids`: a :data:`ClientId` is not a
:data:`UserId` to mypy), dates are :class:`datetime.date`, instants
timezone-aware :class:`datetime.datetime` in UTC, and the acting user is
always named: :data:`SYSTEM` is the host's own trusted actor, never a
default. The library's diagnostics go to ``logging.getLogger("engsched")``.

The shared library is found through ``ENGSCHED_LIBRARY``, the build tree of
this checkout, or the installed system (see :mod:`engsched._lib`).
"""

from __future__ import annotations

import ctypes
import datetime
from . import _lib
from .enums import (
    PERMISSIONS_ALL,
    Action,
    Response,
    BuiltinRole,
    Bucket,
    CapacityMeasure,
    ConflictPolicy,
    DeliveryMode,
    LogLevel,
    OperatorRole,
    OUTBOX_ALL,
    OutboxKind,
    OutboxState,
    Permission,
    ReportStatus,
    Sort,
    Status,
    Tab,
    WorkKind,
)
from .errors import (
    BusyError,
    ConflictError,
    CorruptError,
    DeniedError,
    EngschedError,
    ExistsError,
    InvalidError,
    MisuseError,
    NoMemoryError,
    NotFoundError,
    ResultCode,
    StateError,
    StorageError,
    TooBigError,
    UnsupportedError,
)
from .models import (
    Assignment,
    Candidate,
    CapacityRow,
    DeliveryResult,
    Engagement,
    FileInfo,
    OperatorAvailability,
    OutboxItem,
    Page,
    Row,
    StreamEvent,
    TickReport,
    WorkItem,
)
from .backup import restore
from .ids import (
    SYSTEM,
    ClientId,
    EngagementId,
    FileId,
    OutboxItemId,
    ReportId,
    RoleId,
    UnavailabilityId,
    UserId,
)
from .replies import Reply
from .scheduler import (
    CAPACITY_UNIT,
    LOGGER,
    PAGE_MAX,
    RANGE_MAX_DAYS,
    AvailabilityIterator,
    CandidatesIterator,
    CapacityIterator,
    FileReader,
    RowIterator,
    Scheduler,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "version",
    "version_number",
    "schema_version_supported",
    "has_function",
    "library_path",
    "is_valid_date",
    "date_in_zone",
    "SYSTEM",
    "LOGGER",
    "UserId",
    "ClientId",
    "EngagementId",
    "RoleId",
    "FileId",
    "ReportId",
    "UnavailabilityId",
    "OutboxItemId",
    "Response",
    "Reply",
    "PAGE_MAX",
    "RANGE_MAX_DAYS",
    "CAPACITY_UNIT",
    "Scheduler",
    "restore",
    "RowIterator",
    "AvailabilityIterator",
    "CandidatesIterator",
    "Candidate",
    "CapacityIterator",
    "CapacityRow",
    "FileReader",
    "Action",
    "BuiltinRole",
    "Bucket",
    "CapacityMeasure",
    "ConflictPolicy",
    "LogLevel",
    "OperatorRole",
    "Permission",
    "PERMISSIONS_ALL",
    "ReportStatus",
    "Sort",
    "Status",
    "Tab",
    "WorkKind",
    "DeliveryMode",
    "OutboxKind",
    "OutboxState",
    "OUTBOX_ALL",
    "Assignment",
    "Engagement",
    "FileInfo",
    "OperatorAvailability",
    "Page",
    "Row",
    "WorkItem",
    "DeliveryResult",
    "OutboxItem",
    "StreamEvent",
    "TickReport",
    "ResultCode",
    "EngschedError",
    "InvalidError",
    "NoMemoryError",
    "NotFoundError",
    "DeniedError",
    "StateError",
    "ConflictError",
    "ExistsError",
    "TooBigError",
    "BusyError",
    "StorageError",
    "CorruptError",
    "UnsupportedError",
    "MisuseError",
]


def version() -> str:
    """The version of the loaded library, e.g. ``"0.1.0"``."""
    return str(_lib.get().engsched_version().decode())


def version_number() -> int:
    """The loaded library's version as MAJOR*1000000 + MINOR*1000 + PATCH."""
    return int(_lib.get().engsched_version_number())


def schema_version_supported() -> int:
    """The newest store schema version the loaded library knows."""
    return int(_lib.get().engsched_schema_version_supported())


def library_path() -> str:
    """The path the shared library was loaded from."""
    return _lib.get().path


def has_function(name: str) -> bool:
    """Whether the loaded library exports ``name`` (``"feed_ics"`` or
    ``"engsched_feed_ics"``); newer functions raise UnsupportedError when absent."""
    return _lib.get().has(name)


def is_valid_date(text: str) -> bool:
    """Whether ``text`` is an ISO 8601 calendar date ``YYYY-MM-DD`` (1900–9999)."""
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, got {type(text).__name__}")
    if "\0" in text:
        return False
    return bool(_lib.get().engsched_date_validate(text.encode("utf-8")) == 0)


def date_in_zone(zone: str, instant: datetime.datetime) -> datetime.date:
    """The calendar date of an instant (a timezone-aware datetime) in an
    IANA time zone, as the library computes it; NotFoundError for an
    unknown zone, ValueError for a naive datetime."""
    from ._args import _instant, _text

    raw_zone = _text(zone, "zone")
    seconds = _instant(instant, "instant")
    out = ctypes.create_string_buffer(11)
    lib = _lib.get()
    rc = lib.engsched_date_in_zone(raw_zone, seconds, out)
    if rc != 0:
        from .errors import error_for

        raise error_for(rc, f"zone: {zone!r} is not a known time zone")
    return datetime.date.fromisoformat(out.value.decode("ascii"))
