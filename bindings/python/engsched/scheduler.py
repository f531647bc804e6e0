"""The Scheduler: one open libengsched handle and every operation on it.

Every call checks its arguments' Python types first (TypeError, never a
crash), then runs under the scheduler's lock, so one handle is used by one
thread at a time as the C API requires. C objects (snapshots, lists,
builders, queries) are copied into Python values and freed before the call
returns; only the streaming iterators hold a C object, and closing the
scheduler frees them first. After :meth:`Scheduler.close` every call raises
:class:`MisuseError` and nothing touches the freed handle.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import threading
import time
import warnings
from typing import Any, Callable, Dict, List, Optional, Union

from . import _lib
from ._args import _enum, _instant, _int, _report_callback_error, _str
from ._core import Clock, FileData, FileSpec, OperatorSpec, _Resource
from .backup import BackupMixin
from .directory import DirectoryMixin
from .documents import DocumentsMixin
from .enums import ConflictPolicy, LogLevel
from .errors import MisuseError, error_for
from .exchange import ExchangeMixin
from .feeds import FeedTokenMixin
from .files import FileReader, FilesMixin
from .ids import SYSTEM
from .iterators import AvailabilityIterator, CandidatesIterator, CapacityIterator, RowIterator
from .lifecycle import LifecycleMixin
from .outbox import DeliverySpec, EventDelivery, OutboxMixin, init_options
from .replies import RepliesMixin
from .staffing import StaffingMixin
from .views import ViewsMixin

__all__ = [
    "SYSTEM",
    "LOGGER",
    "Scheduler",
    "RowIterator",
    "AvailabilityIterator",
    "CandidatesIterator",
    "CapacityIterator",
    "FileReader",
    "FileData",
    "FileSpec",
    "OperatorSpec",
]

#: The logger the library's diagnostics go to unless ``on_log`` is given.
LOGGER = logging.getLogger("engsched")

# C log levels and logging's, both ways.
_TO_LOGGING = {
    LogLevel.DEBUG: logging.DEBUG,
    LogLevel.INFO: logging.INFO,
    LogLevel.WARN: logging.WARNING,
    LogLevel.ERROR: logging.ERROR,
}

#: The largest page the List view returns (ENGSCHED_PAGE_MAX).
PAGE_MAX = 500

#: The longest Calendar, Availability or capacity range in days (ENGSCHED_RANGE_MAX_DAYS).
RANGE_MAX_DAYS = 366

#: One whole person-day in the figures of a :class:`CapacityRow` (ENGSCHED_CAPACITY_UNIT).
CAPACITY_UNIT = 100


# --- callbacks: Python values in, safe C values out, never an exception --
# The closures hold only the user's callable (not the Scheduler), so no
# reference cycle keeps an unclosed scheduler alive.


def _clock_trampoline(clock: Clock) -> Callable[[Any], int]:
    def trampoline(_ctx: Any) -> int:
        try:
            return _instant(clock(), "clock()")
        except BaseException as exc:  # the library needs a time: use the system's
            _report_callback_error(exc)
            return int(time.time())

    return trampoline


def _event_trampoline(on_event: Callable[[Dict[str, Any]], None]) -> Callable[[Any, Any], None]:
    def trampoline(_ctx: Any, text: Optional[bytes]) -> None:
        try:
            on_event(json.loads(_str(text)))
        except BaseException as exc:
            _report_callback_error(exc)

    return trampoline


def _mail_trampoline(
    on_mail: Callable[[str, bytes], Optional[bool]]
) -> Callable[[Any, int, int, Any, Any, int], int]:
    def trampoline(
        _ctx: Any, _engagement: int, _user: int, recipient: Optional[bytes], message: Any, length: int
    ) -> int:
        try:
            taken = on_mail(_str(recipient), ctypes.string_at(message, length) if message else b"")
            return 1 if taken is False else 0
        except BaseException as exc:  # not taken: the library logs it
            _report_callback_error(exc)
            return 1

    return trampoline


def _to_logger(level: LogLevel, message: str) -> None:
    """The default ``on_log``: the library's line to :data:`LOGGER` at the
    matching level (a level a newer library added: ERROR)."""
    LOGGER.log(_TO_LOGGING.get(level, logging.ERROR), "%s", message)


def _level_of_logger() -> LogLevel:
    """The C level matching LOGGER's effective level now: lines the logger
    would drop are not even formatted by the library."""
    effective = LOGGER.getEffectiveLevel()
    for level in (LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN):
        if effective <= _TO_LOGGING[level]:
            return level
    return LogLevel.ERROR


def _log_trampoline(on_log: Callable[[LogLevel, str], None]) -> Callable[[Any, int, Any], None]:
    def trampoline(_ctx: Any, level: int, message: Optional[bytes]) -> None:
        try:
            on_log(_enum(LogLevel, level), _str(message))
        except BaseException as exc:
            _report_callback_error(exc)

    return trampoline

class Scheduler(
    DirectoryMixin,
    LifecycleMixin,
    ViewsMixin,
    StaffingMixin,
    FilesMixin,
    DocumentsMixin,
    OutboxMixin,
    FeedTokenMixin,
    RepliesMixin,
    BackupMixin,
    ExchangeMixin,
):
    """An open libengsched store (``engsched *``).

    ``path`` is a SQLite file, or ``":memory:"`` for a store that is gone on
    close (named explicitly: no default store). Use as a context manager,
    or call :meth:`close`. Callbacks receive Python values: ``on_event(event:
    dict)``, ``on_mail(recipient: str, message: bytes) -> bool | None``
    (False: not taken), ``on_event_delivery(seq, document, signature) ->
    bool | None`` (False: not taken; in place of ``on_event``),
    ``clock() -> datetime`` (timezone-aware: the library's "now").

    The library's diagnostics go to the :mod:`logging` logger ``"engsched"``
    (:data:`LOGGER`) at the matching level, unless ``on_log(level, message)``
    takes them instead. ``log_level`` is the least :class:`LogLevel` the
    library reports; by default the one matching that logger's effective
    level when the store is opened (WARN under logging's defaults).

    A callback may not use the scheduler that invoked it
    (MisuseError); an exception it raises is reported through
    :func:`sys.unraisablehook` and the library sees a refused delivery or
    the system clock. ``delivery`` is ``"on_commit"`` (default) or
    ``"explicit"`` (only :meth:`deliver` delivers; see :mod:`engsched.outbox`).
    ``create`` defaults to ``not readonly``.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        busy_timeout_ms: Optional[int] = None,
        clock: Optional[Clock] = None,
        on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
        on_mail: Optional[Callable[[str, bytes], Optional[bool]]] = None,
        on_event_delivery: Optional[EventDelivery] = None,
        delivery: DeliverySpec = None,
        on_log: Optional[Callable[[LogLevel, str], None]] = None,
        log_level: Optional[LogLevel] = None,
        conflict_policy: Union[None, int, str] = None,
        create: Optional[bool] = None,
        readonly: bool = False,
    ) -> None:
        self._db: Any = None
        self._lock = threading.Lock()
        self._owner: Optional[int] = None
        self._resources: Dict[int, _Resource] = {}
        # Re-entrant: a stream collected by the GC while this thread holds it frees itself.
        self._res_lock = threading.RLock()
        self._callbacks: List[Any] = []
        self._clock = clock
        self._lib = lib = _lib.get()

        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path: expected str or os.PathLike, got {type(path).__name__}")
        raw_path = os.fsencode(path)
        if b"\0" in raw_path:
            raise ValueError("path: must not contain NUL")

        opts = _lib.Options()
        init_options(lib, opts, self._keep, on_event=on_event,
                     on_event_delivery=on_event_delivery, delivery=delivery)
        if create is None:  # a read-only handle never creates a store
            create = not readonly
        opts.flags = (1 if create else 0) | (2 if readonly else 0)
        if busy_timeout_ms is not None:
            opts.busy_timeout_ms = _int(busy_timeout_ms, "busy_timeout_ms", 0, (1 << 31) - 1)
        if log_level is None:
            log_level = _level_of_logger()
        opts.log_level = _int(log_level, "log_level", 0, 3)
        if conflict_policy is not None:
            if isinstance(conflict_policy, str):
                try:
                    conflict_policy = ConflictPolicy[conflict_policy.upper()]
                except KeyError:
                    raise ValueError(
                        f"conflict_policy: {conflict_policy!r} is not 'tenant', 'warn' or 'strict'"
                    ) from None
            opts.conflict_policy = _int(conflict_policy, "conflict_policy", 0, 2)
        for name, fn in (("clock", clock), ("on_event", on_event), ("on_mail", on_mail),
                         ("on_log", on_log)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name}: expected a callable, got {type(fn).__name__}")
        if clock is not None:
            opts.clock = self._keep(_lib.CLOCK_FN(_clock_trampoline(clock)))
        if on_event is not None:
            opts.on_event = self._keep(_lib.EVENT_FN(_event_trampoline(on_event)))
        if on_mail is not None:
            opts.on_mail = self._keep(_lib.MAIL_FN(_mail_trampoline(on_mail)))
        # No on_log: the lines go to logging, never nowhere.
        opts.log = self._keep(_lib.LOG_FN(_log_trampoline(on_log or _to_logger)))

        db = _lib.HandleP()
        self._owner = threading.get_ident()  # callbacks during open may not re-enter
        try:
            rc = lib.engsched_open(raw_path, ctypes.byref(opts), ctypes.byref(db))
            if rc != 0:
                raise error_for(rc, _str(lib.engsched_open_errmsg()))
        finally:
            self._owner = None
        self._db = db

    @classmethod
    def open(
        cls,
        path: Union[str, "os.PathLike[str]"],
        *,
        busy_timeout_ms: Optional[int] = None,
        clock: Optional[Clock] = None,
        on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
        on_mail: Optional[Callable[[str, bytes], Optional[bool]]] = None,
        on_event_delivery: Optional[EventDelivery] = None,
        delivery: DeliverySpec = None,
        on_log: Optional[Callable[[LogLevel, str], None]] = None,
        log_level: Optional[LogLevel] = None,
        conflict_policy: Union[None, int, str] = None,
        create: Optional[bool] = None,
        readonly: bool = False,
    ) -> "Scheduler":
        """Open a store (a SQLite file, or ``":memory:"``); see the class.
        StorageError or CorruptError when the file cannot be opened as a
        store, NotFoundError for a missing one with ``create=False``."""
        return cls(
            path,
            busy_timeout_ms=busy_timeout_ms,
            clock=clock,
            on_event=on_event,
            on_mail=on_mail,
            on_event_delivery=on_event_delivery,
            delivery=delivery,
            on_log=on_log,
            log_level=log_level,
            conflict_policy=conflict_policy,
            create=create,
            readonly=readonly,
        )

    # --- lifetime ---------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._db is None

    def close(self) -> None:
        """Free every C object still open and close the handle. Idempotent."""
        if self._owner == threading.get_ident():
            raise MisuseError("a callback may not close the scheduler that invoked it")
        with self._lock:
            if self._db is None:
                return
            with self._res_lock:
                resources = list(self._resources.values())
                self._resources.clear()
                for res in resources:
                    if res.ptr:
                        res.free(res.ptr)
                    res.ptr = None
            db, self._db = self._db, None
            self._lib.engsched_close(db)

    def __enter__(self) -> "Scheduler":
        if self._db is None:
            raise MisuseError("the scheduler is closed")
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_db", None) is not None:
            with contextlib.suppress(Exception):
                warnings.warn(f"unclosed {self!r}", ResourceWarning, source=self)
            with contextlib.suppress(Exception):
                self.close()

    def __repr__(self) -> str:
        return f"<engsched.Scheduler {'closed' if self._db is None else 'open'}>"

    # --- store ------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        out = ctypes.c_int()
        self._call("engsched_schema_version", ctypes.byref(out))
        return out.value

    def events_last_seq(self) -> int:
        """The sequence number of the newest event (0 if none)."""
        out = ctypes.c_int64()
        self._call("engsched_events_last_seq", ctypes.byref(out))
        return out.value
