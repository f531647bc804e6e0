"""Enumerations and flags of engsched.h. Labels, names and colours come from
the library itself, so every view shows what the C API shows."""

from __future__ import annotations

import ctypes
import enum
from typing import FrozenSet, List

from . import _lib
from .errors import error_for

__all__ = [
    "Status",
    "ReportStatus",
    "OperatorRole",
    "Sort",
    "Tab",
    "Permission",
    "Action",
    "BuiltinRole",
    "LogLevel",
    "ConflictPolicy",
    "WorkKind",
    "PERMISSIONS_ALL",
    "OutboxKind",
    "OutboxState",
    "DeliveryMode",
    "OUTBOX_ALL",
    "Bucket",
    "CapacityMeasure",
    "Response",
]


def _text(raw: object) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""


def _joined(flags: enum.IntFlag, name_fn: str) -> str:
    """The machine names of the set bits, joined: ``"view, report_edit"``."""
    lib = _lib.get()
    names = []
    for bit in range(32):
        if int(flags) & (1 << bit):
            raw = getattr(lib, name_fn)(1 << bit)
            names.append(_text(raw) if raw is not None else f"bit{bit}")
    return ", ".join(names)


def _parse(fn_name: str, text: str, what: str) -> int:
    if not isinstance(text, str):
        raise TypeError(f"{what}: expected str, got {type(text).__name__}")
    if "\0" in text:
        raise ValueError(f"{what}: must not contain NUL")
    lib = _lib.get()
    out = ctypes.c_int()
    rc = getattr(lib, fn_name)(text.encode("utf-8"), ctypes.byref(out))
    if rc != 0:
        detail = _text(lib.engsched_rc_describe(rc))
        raise error_for(rc, f"{what}: {text!r} is not known ({detail})")
    return out.value


class Status(enum.IntEnum):
    """Engagement status (docs/design.md §2)."""

    PENDING = 1
    SCHEDULED = 2
    IN_PROGRESS = 3
    IN_REVIEW = 4
    COMPLETE = 5
    CANCELED = 6

    def __str__(self) -> str:
        """The display label (:attr:`label`), e.g. ``"In Progress"``."""
        return self.label

    @property
    def label(self) -> str:
        """Display label, e.g. ``"In Progress"``."""
        return _text(_lib.get().engsched_status_label(self.value))

    @property
    def machine_name(self) -> str:
        """Machine name used in JSON, e.g. ``"in_progress"``."""
        return _text(_lib.get().engsched_status_name(self.value))

    @property
    def colour(self) -> str:
        """The colour every view uses, ``"#rrggbb"``."""
        return _text(_lib.get().engsched_status_colour(self.value))

    @property
    def bit(self) -> int:
        """The status's bit in a status set (ENGSCHED_STATUS_BIT)."""
        return 1 << self.value

    @classmethod
    def parse(cls, name: str) -> "Status":
        """Parse a machine name (``"in_progress"``)."""
        return cls(_parse("engsched_status_parse", name, "status"))

    @classmethod
    def derive(cls, report: "ReportStatus", start_reached: bool, canceled: bool) -> "Status":
        """The status mapping of docs/design.md §2 (engsched_status_derive())."""
        value = _lib.get().engsched_status_derive(
            int(report), 1 if start_reached else 0, 1 if canceled else 0
        )
        if value == 0:
            raise ValueError(f"report: {report!r} is not a report status")
        return cls(value)


class ReportStatus(enum.IntEnum):
    """Report status; NONE means there is no report."""

    NONE = 0
    DRAFT = 1
    READY_FOR_REVIEW = 2
    IN_REVIEW = 3
    APPROVED = 4
    PUBLISHED = 5

    def __str__(self) -> str:
        """The display label (:attr:`label`), e.g. ``"Ready for Review"``;
        ``"None"`` for NONE, as the library labels it."""
        return self.label

    @property
    def label(self) -> str:
        """Display label, e.g. ``"Ready for Review"``."""
        return _text(_lib.get().engsched_report_status_label(self.value))

    @property
    def machine_name(self) -> str:
        """Machine name, e.g. ``"ready_for_review"``."""
        return _text(_lib.get().engsched_report_status_name(self.value))

    @classmethod
    def parse(cls, name: str) -> "ReportStatus":
        """Parse a machine name (``"ready_for_review"``)."""
        return cls(_parse("engsched_report_status_parse", name, "report status"))


class OperatorRole(enum.IntEnum):
    """Role of an operator on one engagement."""

    NONE = 0
    LEAD = 1
    TESTER = 2
    REVIEWER = 3


class Sort(enum.IntEnum):
    """Sort keys of the List view; the id breaks ties."""

    START = 0
    END = 1
    NAME = 2
    STATUS = 3
    UPDATED = 4


class Tab(enum.IntEnum):
    """The tabs of the List view."""

    ALL = 0
    PENDING = 1
    SCHEDULED = 2
    IN_PROGRESS = 3
    IN_REVIEW = 4
    COMPLETE = 5
    CANCELED = 6

    @property
    def mask(self) -> int:
        """The status set as a mask of :attr:`Status.bit` values."""
        return int(_lib.get().engsched_tab_statuses(self.value))

    @property
    def statuses(self) -> FrozenSet[Status]:
        """The statuses the tab shows."""
        mask = self.mask
        return frozenset(s for s in Status if mask & s.bit)


class Permission(enum.IntFlag):
    """Permission bits (docs/design.md §3)."""

    VIEW = 1 << 0
    REQUEST = 1 << 1
    CREATE = 1 << 2
    APPROVE = 1 << 3
    EDIT = 1 << 4
    CANCEL = 1 << 5
    ASSIGN = 1 << 6
    VIEW_AVAILABILITY = 1 << 7
    FILES_UPLOAD = 1 << 8
    FILES_DOWNLOAD = 1 << 9
    REPORT_VIEW = 1 << 10
    REPORT_EDIT = 1 << 11
    REPORT_REVIEW = 1 << 12
    REPORT_PUBLISH = 1 << 13
    ADMIN = 1 << 14

    def __str__(self) -> str:
        """The machine names of the set bits joined, ``"view, report_edit"``
        ("" for no permission)."""
        return _joined(self, "engsched_permission_name")

    @property
    def machine_names(self) -> List[str]:
        """Machine names of the set bits, e.g. ``["view", "report_edit"]``."""
        text = str(self)
        return text.split(", ") if text else []

    @property
    def is_operator(self) -> bool:
        """Whether the mask makes its holder an operator (REPORT_VIEW + REPORT_EDIT)."""
        return bool(_lib.get().engsched_permissions_are_operator(int(self)))


#: Every permission bit this version knows (ENGSCHED_PERM_ALL).
PERMISSIONS_ALL = Permission(0x7FFF)


class Action(enum.IntFlag):
    """Actions a user may take on one engagement now (capabilities)."""

    VIEW = 1 << 0
    APPROVE = 1 << 1
    EDIT = 1 << 2
    CANCEL = 1 << 3
    ASSIGN = 1 << 4
    FILES_UPLOAD = 1 << 5
    FILES_DOWNLOAD = 1 << 6
    FILES_DELETE = 1 << 7
    REPORT_VIEW = 1 << 8
    REPORT_EDIT = 1 << 9
    REPORT_REVIEW = 1 << 10
    REPORT_PUBLISH = 1 << 11

    def __str__(self) -> str:
        """The machine names of the set bits joined, ``"view, files_upload"``
        (engsched_action_name(); "" for no action)."""
        return _joined(self, "engsched_action_name")


class BuiltinRole(enum.IntEnum):
    """Stable ids of the built-in roles."""

    ADMINISTRATOR = 1
    MANAGER = 2
    OPERATOR = 3
    CLIENT = 4
    VIEWER = 5

    @property
    def default_permissions(self) -> Permission:
        """The role's default mask (engsched_builtin_role_permissions())."""
        return Permission(_lib.get().engsched_builtin_role_permissions(self.value))


class LogLevel(enum.IntEnum):
    """Severity of a diagnostic passed to the log callback."""

    DEBUG = 0
    INFO = 1
    WARN = 2
    ERROR = 3


class ConflictPolicy(enum.IntEnum):
    """What assigning an operator over existing work does."""

    TENANT = 0
    WARN = 1
    STRICT = 2


class WorkKind(enum.IntEnum):
    """Kind of an item of existing work."""

    ENGAGEMENT = 1
    UNAVAILABLE = 2


class OutboxKind(enum.IntEnum):
    """What an outbox item carries (engsched_outbox_kind)."""

    MAIL = 1
    EVENT = 2

    def __str__(self) -> str:
        """The machine name, ``"mail"`` or ``"event"``."""
        return self.machine_name

    @property
    def machine_name(self) -> str:
        """``"mail"`` or ``"event"`` (engsched_outbox_kind_name())."""
        return _text(_lib.get().engsched_outbox_kind_name(self.value))


class OutboxState(enum.IntFlag):
    """Where an outbox item stands (engsched_outbox_state). Bits, so that
    ``OutboxState.DEAD | OutboxState.UNDELIVERABLE`` selects both."""

    PENDING = 1 << 0
    DELIVERED = 1 << 1
    DEAD = 1 << 2
    UNDELIVERABLE = 1 << 3

    def __str__(self) -> str:
        """The machine names of the set bits joined, ``"dead, undeliverable"``."""
        return _joined(self, "engsched_outbox_state_name")

    @property
    def machine_name(self) -> str:
        """The name of one state bit, e.g. ``"dead"`` (engsched_outbox_state_name());
        ValueError for a mask of several bits or none."""
        raw = _lib.get().engsched_outbox_state_name(int(self))
        if raw is None:
            raise ValueError(f"{self!r} is not one outbox state")
        return _text(raw)


#: Every outbox state (ENGSCHED_OUTBOX_ALL).
OUTBOX_ALL = OutboxState(15)


class DeliveryMode(enum.IntEnum):
    """How a scheduler delivers its outbox (engsched_delivery_mode)."""

    ON_COMMIT = 0  #: after each commit, what it wrote (the default)
    EXPLICIT = 1  #: only in :meth:`Scheduler.deliver`: a worker delivers


class Bucket(enum.IntEnum):
    """How :meth:`Scheduler.capacity` groups the days of its range
    (engsched_bucket). The first and the last bucket are cut to the range."""

    WEEK = 0  #: ISO weeks, Monday to Sunday (the default)
    MONTH = 1  #: calendar months


class CapacityMeasure(enum.IntEnum):
    """The figures of a capacity row (engsched_capacity_measure), each in
    hundredths of a person-day, counted over the tenant's working days only.
    The last three are on total rows only (0 on an operator's)."""

    WORKING = 0  #: a whole day per operator and working day
    ABSENT = 1  #: working days an absence covers
    AVAILABLE = 2  #: working less absent
    FIRM = 3  #: firm load (Pending to Complete) on available days, at most a day each
    TENTATIVE = 4  #: what tentative holds add to the firm load, the sum at most a day
    FREE = 5  #: available less firm and tentative
    OVERBOOKED = 6  #: firm load past a whole day, an absence counting as a whole day
    DEMAND = 7  #: a day per Pending or Scheduled engagement covering the working day
    UNSTAFFED = 8  #: the demand the engagements' firm assignments leave uncovered
    UNSTAFFED_WITH_HOLDS = 9  #: the same with tentative holds counted as staff


class Response(enum.IntEnum):
    """An operator's answer to their invitation (engsched_response, the
    iCalendar PARTSTAT)."""

    NONE = 0  #: no answer yet (NEEDS-ACTION)
    ACCEPTED = 1
    DECLINED = 2
    TENTATIVE = 3

    def __str__(self) -> str:
        """The stable name, e.g. ``"accepted"``."""
        return self.machine_name

    @property
    def machine_name(self) -> str:
        """``"none"``, ``"accepted"``, ``"declined"`` or ``"tentative"``
        (engsched_response_name())."""
        return _text(_lib.get().engsched_response_name(self.value))
