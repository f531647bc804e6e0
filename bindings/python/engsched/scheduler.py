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
import datetime
import io
import json
import os
import threading
import time
import warnings
from typing import (
    IO,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _lib
from ._args import (
    _date,
    _day,
    _enum,
    _file_bytes,
    _instant,
    _int,
    _opt_text,
    _report_callback_error,
    _str,
    _text,
    _uint,
)
from .enums import (
    Action,
    Bucket,
    CapacityMeasure,
    ConflictPolicy,
    LogLevel,
    OperatorRole,
    Permission,
    ReportStatus,
    Sort,
    Status,
    Tab,
    WorkKind,
)
from .errors import EngschedError, MisuseError, error_for
from .models import (
    Assignment,
    Candidate,
    CapacityRow,
    UserInfo,
    Engagement,
    FileInfo,
    OperatorAvailability,
    Page,
    Row,
    TickReport,
    WorkItem,
)
from .backup import BackupMixin
from .exchange import ExchangeMixin
from .feeds import FeedTokenMixin
from .outbox import DeliverySpec, EventDelivery, OutboxMixin, init_options
from .replies import RepliesMixin

__all__ = [
    "SYSTEM",
    "Scheduler",
    "RowIterator",
    "AvailabilityIterator",
    "CandidatesIterator",
    "CapacityIterator",
    "FileReader",
    "DateLike",
    "FileData",
    "FileSpec",
    "OperatorSpec",
]

#: The actor id of the host's own trusted calls (ENGSCHED_SYSTEM).
SYSTEM = 0

#: The largest page the List view returns (ENGSCHED_PAGE_MAX).
PAGE_MAX = 500

#: The longest Calendar, Availability or capacity range in days (ENGSCHED_RANGE_MAX_DAYS).
RANGE_MAX_DAYS = 366

#: One whole person-day in the figures of a :class:`CapacityRow` (ENGSCHED_CAPACITY_UNIT).
CAPACITY_UNIT = 100

_READ_CHUNK = 64 * 1024

DateLike = Union[str, datetime.date]
FileData = Union[bytes, bytearray, memoryview, IO[bytes]]
FileSpec = Union[Tuple[str, Optional[str], FileData], Tuple[str, FileData]]
OperatorSpec = Union[int, Tuple[int, int]]
Clock = Callable[[], Union[int, float, datetime.datetime]]

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


def _log_trampoline(on_log: Callable[[LogLevel, str], None]) -> Callable[[Any, int, Any], None]:
    def trampoline(_ctx: Any, level: int, message: Optional[bytes]) -> None:
        try:
            on_log(_enum(LogLevel, level), _str(message))
        except BaseException as exc:
            _report_callback_error(exc)

    return trampoline


class _Resource:
    """A C object owned by a scheduler; freed once, at the latest on close."""

    __slots__ = ("ptr", "free")

    def __init__(self, ptr: Any, free: Callable[[Any], None]) -> None:
        self.ptr = ptr
        self.free = free


class Scheduler(OutboxMixin, FeedTokenMixin, RepliesMixin, BackupMixin, ExchangeMixin):
    """An open libengsched store (``engsched *``).

    Use as a context manager, or call :meth:`close`. Callbacks receive
    Python values: ``on_event(event: dict)``, ``on_mail(recipient: str,
    message: bytes) -> bool | None`` (False: not taken), ``on_event_delivery(seq,
    document, signature) -> bool | None`` (False: not taken; in place of
    ``on_event``), ``on_log(level, message)``, ``clock() -> int`` (UTC
    seconds). A callback may not use the scheduler that invoked it
    (MisuseError); an exception it raises is reported through
    :func:`sys.unraisablehook` and the library sees a refused delivery or
    the system clock. ``delivery`` is ``"on_commit"`` (default) or
    ``"explicit"`` (only :meth:`deliver` delivers; see :mod:`engsched.outbox`).
    ``create`` defaults to ``not readonly``.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"] = ":memory:",
        *,
        busy_timeout_ms: Optional[int] = None,
        clock: Optional[Clock] = None,
        on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
        on_mail: Optional[Callable[[str, bytes], Optional[bool]]] = None,
        on_event_delivery: Optional[EventDelivery] = None,
        delivery: DeliverySpec = None,
        on_log: Optional[Callable[[LogLevel, str], None]] = None,
        log_level: int = LogLevel.WARN,
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
        if on_log is not None:
            opts.log = self._keep(_lib.LOG_FN(_log_trampoline(on_log)))

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
        path: Union[str, "os.PathLike[str]"] = ":memory:",
        *,
        busy_timeout_ms: Optional[int] = None,
        clock: Optional[Clock] = None,
        on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
        on_mail: Optional[Callable[[str, bytes], Optional[bool]]] = None,
        on_event_delivery: Optional[EventDelivery] = None,
        delivery: DeliverySpec = None,
        on_log: Optional[Callable[[LogLevel, str], None]] = None,
        log_level: int = LogLevel.WARN,
        conflict_policy: Union[None, int, str] = None,
        create: Optional[bool] = None,
        readonly: bool = False,
    ) -> "Scheduler":
        """Open a store (a SQLite file or ``":memory:"``); see the class."""
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

    def _keep(self, cfunc: Any) -> Any:
        self._callbacks.append(cfunc)  # C keeps a pointer; Python must keep the object
        return cfunc

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

    # --- calling into C -----------------------------------------------------

    def _acquire(self) -> Any:
        me = threading.get_ident()
        if self._owner == me:
            raise MisuseError("a callback may not use the scheduler that invoked it")
        self._lock.acquire()
        if self._db is None:
            self._lock.release()
            raise MisuseError("the scheduler is closed")
        self._owner = me
        return self._db

    def _release(self) -> None:
        self._owner = None
        self._lock.release()

    @contextlib.contextmanager
    def _handle(self) -> Iterator[Any]:
        db = self._acquire()
        try:
            yield db
        finally:
            self._release()

    def _error(self, db: Any, rc: int) -> EngschedError:
        lib = self._lib
        if lib.engsched_errcode(db) == rc:
            message = _str(lib.engsched_errmsg(db))
        else:
            message = _str(lib.engsched_rc_describe(rc))
        return error_for(rc, message)

    def _check(self, db: Any, rc: int) -> None:
        if rc != 0:
            raise self._error(db, rc)

    def _call(self, name: str, *args: Any) -> None:
        with self._handle() as db:
            self._check(db, getattr(self._lib, name)(db, *args))

    def _call_id(self, name: str, *args: Any) -> int:
        out = _lib.c_id()
        self._call(name, *args, ctypes.byref(out))
        return out.value

    def _call_string(self, name: str, *args: Any) -> str:
        return self._call_bytes(name, *args).decode("utf-8", "replace")

    def _call_bytes(self, name: str, *args: Any) -> bytes:
        out = ctypes.c_void_p()
        with self._handle() as db:
            self._check(db, getattr(self._lib, name)(db, *args, ctypes.byref(out)))
            if not out.value:
                return b""
            try:
                return ctypes.string_at(out.value)
            finally:
                self._lib.engsched_free(out.value)

    def _own(self, ptr: Any, free: Callable[[Any], None]) -> _Resource:
        res = _Resource(ptr, free)
        with self._res_lock:
            self._resources[id(res)] = res
        return res

    def _disown(self, res: _Resource) -> None:
        with self._res_lock:
            if res.ptr:
                res.free(res.ptr)
            res.ptr = None
            self._resources.pop(id(res), None)

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

    # --- directory ----------------------------------------------------------

    def client_upsert(self, host_key: str, name: str, *, actor: int) -> int:
        """Create or update a client keyed by the host's key; returns its id."""
        return self._call_id(
            "engsched_client_upsert",
            _int(actor, "actor"),
            _text(host_key, "host_key"),
            _text(name, "name"),
        )

    def client_find(self, host_key: str) -> Optional[int]:
        """The id of the client with this host key, or None."""
        return self._find("engsched_client_find", _text(host_key, "host_key"))

    def client_name(self, client: int) -> str:
        """The display name of a client."""
        return self._call_string("engsched_client_name", _int(client, "client"))

    def user_upsert(
        self,
        host_key: str,
        display_name: str,
        role: int,
        *,
        email: Optional[str] = None,
        all_clients: bool = False,
        actor: int,
    ) -> int:
        """Create or update a user keyed by the host's key; returns its id."""
        return self._call_id(
            "engsched_user_upsert",
            _int(actor, "actor"),
            _text(host_key, "host_key"),
            _opt_text(email, "email"),
            _text(display_name, "display_name"),
            _int(role, "role"),
            1 if all_clients else 0,
        )

    def user_find(self, host_key: str) -> Optional[int]:
        """The id of the user with this host key, or None."""
        return self._find("engsched_user_find", _text(host_key, "host_key"))

    def user_info(self, user: int) -> UserInfo:
        """A user's directory entry."""
        key, email, name = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        role, flags = ctypes.c_int64(), ctypes.c_uint()
        with self._handle() as db:
            self._check(db, self._lib.engsched_user_info(
                db, _int(user, "user"), ctypes.byref(key), ctypes.byref(email),
                ctypes.byref(name), ctypes.byref(role), ctypes.byref(flags)))
            try:
                texts = [ctypes.string_at(p.value).decode("utf-8", "replace") for p in (key, email, name)]
            finally:
                for p in (key, email, name):
                    self._lib.engsched_free(p.value)
        return UserInfo(int(user), texts[0], texts[1], texts[2], role.value, bool(flags.value & 1))

    def role_permissions(self, role: int) -> Permission:
        """The permission mask of a role."""
        out = ctypes.c_uint()
        self._call("engsched_role_permissions", _int(role, "role"), ctypes.byref(out))
        return Permission(out.value)

    def user_permissions(self, user: int) -> Permission:
        """A user's effective permissions (their role's mask)."""
        out = ctypes.c_uint()
        self._call("engsched_user_permissions", _int(user, "user"), ctypes.byref(out))
        return Permission(out.value)

    def access_grant(self, user: int, client: int, *, actor: int) -> None:
        """Give a user access to a client's engagements."""
        self._call(
            "engsched_access_grant", _int(actor, "actor"), _int(user, "user"),
            _int(client, "client"),
        )

    def access_revoke(self, user: int, client: int, *, actor: int) -> None:
        """Take a user's access to a client away."""
        self._call(
            "engsched_access_revoke", _int(actor, "actor"), _int(user, "user"),
            _int(client, "client"),
        )

    def role_create(self, name: str, permissions: int, *, actor: int) -> int:
        """Create a custom role; returns its id."""
        return self._call_id(
            "engsched_role_create",
            _int(actor, "actor"),
            _text(name, "name"),
            _uint(permissions, "permissions"),
        )

    def role_set_permissions(self, role: int, permissions: int, *, actor: int) -> None:
        """Change the permissions of any role, built-in or custom."""
        self._call(
            "engsched_role_set_permissions",
            _int(actor, "actor"),
            _int(role, "role"),
            _uint(permissions, "permissions"),
        )

    def role_find(self, name: str) -> Optional[int]:
        """The id of the role with this name, or None."""
        return self._find("engsched_role_find", _text(name, "name"))

    def _find(self, name: str, key: bytes) -> Optional[int]:
        from .errors import NotFoundError

        try:
            return self._call_id(name, key)
        except NotFoundError:
            return None

    # --- settings -----------------------------------------------------------

    def setting_get(self, key: str) -> str:
        """A tenant setting (its default if never set)."""
        return self._call_string("engsched_setting_get", _text(key, "key"))

    def setting_set(self, key: str, value: str, *, actor: int) -> None:
        """Change a tenant setting (ADMIN)."""
        self._call(
            "engsched_setting_set", _int(actor, "actor"), _text(key, "key"),
            _text(value, "value"),
        )

    # --- lifecycle ------------------------------------------------------------

    def _build_input(self, db: Any, fields: Dict[str, Any], keep: List[bytes]) -> Any:
        """A new engsched_input from keyword fields (None: not set). The caller
        frees it; ``keep`` holds file bytes alive until the operation returns."""
        lib = self._lib
        # Convert and type-check everything before any C object exists.
        text_fields = []
        for key in ("name", "description", "type", "location", "contacts", "report_title"):
            if fields.get(key) is not None:
                text_fields.append((key, _text(fields[key], key)))
        client = fields.get("client")
        client = None if client is None else _int(client, "client")
        start, end = fields.get("start"), fields.get("end")
        if (start is None) != (end is None):
            raise ValueError("start and end: give both or neither")
        dates = None if start is None else (_date(start, "start"), _date(end, "end"))
        custom = fields.get("custom_fields")
        if custom is not None:
            if isinstance(custom, Mapping):
                custom = json.dumps(dict(custom), ensure_ascii=False)
            custom = _text(custom, "custom_fields")
        operators = []
        for i, spec in enumerate(fields.get("operators") or ()):
            if isinstance(spec, tuple):
                if len(spec) != 2:
                    raise TypeError(f"operators[{i}]: expected (user, role)")
                user, role = spec
            else:
                user, role = spec, OperatorRole.NONE
            operators.append((_int(user, f"operators[{i}] user"),
                              _int(role, f"operators[{i}] role", -(1 << 31), (1 << 31) - 1)))
        files = []
        for i, spec in enumerate(fields.get("files") or ()):
            if not isinstance(spec, tuple) or len(spec) not in (2, 3):
                raise TypeError(f"files[{i}]: expected (name, media_type, data) or (name, data)")
            name, media_type, data = spec if len(spec) == 3 else (spec[0], None, spec[1])
            content = _file_bytes(data, f"files[{i}]")
            keep.append(content)
            files.append((_text(name, f"files[{i}] name"),
                          _opt_text(media_type, f"files[{i}] media_type"), content))

        builder = _lib.InputP()
        self._check(db, lib.engsched_input_new(db, ctypes.byref(builder)))
        try:
            for key, value in text_fields:
                self._check(db, getattr(lib, f"engsched_input_set_{key}")(builder, value))
            if client is not None:
                self._check(db, lib.engsched_input_set_client(builder, client))
            if dates is not None:
                self._check(db, lib.engsched_input_set_dates(builder, *dates))
            if custom is not None:
                self._check(db, lib.engsched_input_set_custom_fields(builder, custom))
            for user, role in operators:
                self._check(db, lib.engsched_input_add_operator(builder, user, role))
            for name, media_type, content in files:
                self._check(db, lib.engsched_input_add_file(
                    builder, name, media_type, content, len(content)))
        except BaseException:
            lib.engsched_input_free(builder)
            raise
        return builder

    def _with_input(self, call: Callable[[Any, Any], int], fields: Dict[str, Any],
                    always: bool = True) -> None:
        keep: List[bytes] = []
        with self._handle() as db:
            if not always and all(v is None or v == () for v in fields.values()):
                self._check(db, call(db, None))
                return
            builder = self._build_input(db, fields, keep)
            try:
                self._check(db, call(db, builder))
            finally:
                self._lib.engsched_input_free(builder)

    def request(
        self,
        actor: int,
        *,
        name: Optional[str] = None,
        client: Optional[int] = None,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
        files: Sequence[FileSpec] = (),
    ) -> int:
        """Request an engagement (Pending); returns its id."""
        actor = _int(actor, "actor")
        out = _lib.c_id()
        self._with_input(
            lambda db, b: self._lib.engsched_request(db, actor, b, ctypes.byref(out)),
            dict(name=name, client=client, start=start, end=end, description=description,
                 type=type, location=location, contacts=contacts,
                 custom_fields=custom_fields, files=files),
        )
        return out.value

    def create(
        self,
        actor: int,
        *,
        name: Optional[str] = None,
        client: Optional[int] = None,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
        report_title: Optional[str] = None,
        operators: Sequence[OperatorSpec] = (),
        files: Sequence[FileSpec] = (),
    ) -> int:
        """Create an engagement directly with its report; returns its id."""
        actor = _int(actor, "actor")
        out = _lib.c_id()
        self._with_input(
            lambda db, b: self._lib.engsched_create(db, actor, b, ctypes.byref(out)),
            dict(name=name, client=client, start=start, end=end, description=description,
                 type=type, location=location, contacts=contacts,
                 custom_fields=custom_fields, report_title=report_title,
                 operators=operators, files=files),
        )
        return out.value

    def approve(
        self,
        actor: int,
        engagement: int,
        *,
        version: int = 0,
        name: Optional[str] = None,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
        report_title: Optional[str] = None,
        operators: Sequence[OperatorSpec] = (),
    ) -> None:
        """Approve a pending engagement ("Schedule & create report")."""
        actor, engagement = _int(actor, "actor"), _int(engagement, "engagement")
        version = _int(version, "version")
        self._with_input(
            lambda db, b: self._lib.engsched_approve(db, actor, engagement, version, b),
            dict(name=name, start=start, end=end, description=description, type=type,
                 location=location, contacts=contacts, custom_fields=custom_fields,
                 report_title=report_title, operators=tuple(operators)),
            always=False,
        )

    def edit(
        self,
        actor: int,
        engagement: int,
        version: int,
        *,
        name: Optional[str] = None,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
    ) -> List[WorkItem]:
        """Edit details, dates or custom fields; ``version`` is the one you saw.

        Returns the overlaps that new dates give the engagement's operators
        (each item's ``user`` names one; empty when the dates stay). Under
        the strict conflict policy any overlap raises ConflictError and
        nothing changes."""
        actor, engagement = _int(actor, "actor"), _int(engagement, "engagement")
        version = _int(version, "version")
        lib = self._lib
        lst = _lib.WorkListP()
        try:
            self._with_input(
                lambda db, b: lib.engsched_edit_ex(db, actor, engagement, version, b,
                                                   ctypes.byref(lst)),
                dict(name=name, start=start, end=end, description=description, type=type,
                     location=location, contacts=contacts, custom_fields=custom_fields),
            )
            return _copy_work(lib, lst)
        finally:
            lib.engsched_work_list_free(lst)

    def cancel(
        self, actor: int, engagement: int, *, version: int = 0, reason: Optional[str] = None
    ) -> None:
        """Cancel an engagement, for good."""
        self._call(
            "engsched_cancel",
            _int(actor, "actor"),
            _int(engagement, "engagement"),
            _int(version, "version"),
            _opt_text(reason, "reason"),
        )

    def report_set_status(
        self, actor: int, engagement: int, status: int, *, version: int = 0
    ) -> None:
        """Move the engagement's report to another status."""
        self._call(
            "engsched_report_set_status",
            _int(actor, "actor"),
            _int(engagement, "engagement"),
            _int(version, "version"),
            _int(status, "status", -(1 << 31), (1 << 31) - 1),
        )

    def tick(self, now: Union[None, int, float, datetime.datetime] = None) -> int:
        """The hourly job; returns how many engagements moved to In Progress.

        ``now`` defaults to the clock callback, else the system time.
        """
        if now is None:
            now = self._clock() if self._clock is not None else time.time()
        out = ctypes.c_uint()
        self._call("engsched_tick", _instant(now, "now"), ctypes.byref(out))
        return out.value

    def tick_ex(self, now: Union[None, int, float, datetime.datetime] = None) -> TickReport:
        """The hourly job with its report: moves and occurrences of recurring series."""
        if now is None:
            now = self._clock() if self._clock is not None else time.time()
        out = _lib.TickReport()
        out.version = _lib.TICK_REPORT_VERSION
        self._call("engsched_tick_ex", _instant(now, "now"), ctypes.byref(out))
        return TickReport(moved=out.moved, occurrences_created=out.occurrences_created)

    def clone(
        self,
        actor: int,
        engagement: int,
        *,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        dates: bool = False,
        operators: bool = False,
        recurrence: bool = False,
    ) -> int:
        """Copy an engagement's details into a new request; returns its id.

        Give ``start`` and ``end``, or ``dates=True`` to copy the source's.
        ``operators`` and ``recurrence`` copy those too. Never the report or files.
        """
        opts = _lib.CloneOptions()
        opts.version = _lib.CLONE_OPTIONS_VERSION
        opts.flags = ((_lib.CLONE_DATES if dates else 0)
                      | (_lib.CLONE_OPERATORS if operators else 0)
                      | (_lib.CLONE_RECURRENCE if recurrence else 0))
        opts.start = None if start is None else _date(start, "start")
        opts.end = None if end is None else _date(end, "end")
        out = _lib.c_id()
        self._call("engsched_clone", _int(actor, "actor"), _int(engagement, "engagement"),
                   ctypes.byref(opts), ctypes.byref(out))
        return out.value

    def recurrence_set(
        self, actor: int, engagement: int, rrule: Optional[str], *, version: int = 0
    ) -> None:
        """Give an engagement an RFC 5545 RRULE value ("FREQ=YEARLY"); None or "" clears it."""
        self._call(
            "engsched_recurrence_set",
            _int(actor, "actor"),
            _int(engagement, "engagement"),
            _int(version, "version"),
            _opt_text(rrule, "rrule"),
        )

    # --- batches --------------------------------------------------------------

    def batch_begin(self) -> None:
        """Run the following write operations in one transaction, each in its
        own savepoint, until :meth:`batch_commit` or :meth:`batch_rollback`.

        A refused operation raises as usual, changes nothing, and the batch
        goes on; events and mail are delivered after the commit.
        """
        self._call("engsched_batch_begin")

    def batch_commit(self) -> None:
        """Commit the batch, then deliver its events and mail."""
        self._call("engsched_batch_commit")

    def batch_rollback(self) -> None:
        """Discard the batch: nothing stored, nothing delivered."""
        self._call("engsched_batch_rollback")

    @contextlib.contextmanager
    def batch(self) -> Iterator["Scheduler"]:
        """``with s.batch():`` commits when the block ends and rolls back
        when it raises (an exception an operation raised and the block
        caught does not end the batch)."""
        self.batch_begin()
        try:
            yield self
        except BaseException:
            # The batch may already be over (closed scheduler): the
            # block's exception is the one that matters.
            with contextlib.suppress(EngschedError):
                self.batch_rollback()
            raise
        self.batch_commit()

    def report_engagement(self, actor: int, report: int) -> int:
        """The id of the engagement a report belongs to."""
        return self._call_id(
            "engsched_report_engagement", _int(actor, "actor"), _int(report, "report")
        )

    # --- snapshots and capabilities -----------------------------------------

    def engagement(self, actor: int, engagement: int) -> Engagement:
        """An immutable copy of one engagement as ``actor`` may see it."""
        actor, engagement = _int(actor, "actor"), _int(engagement, "engagement")
        lib = self._lib
        snap = _lib.SnapshotP()
        with self._handle() as db:
            self._check(db, lib.engsched_engagement_get(db, actor, engagement,
                                                        ctypes.byref(snap)))
            try:
                return _copy_engagement(lib, snap)
            finally:
                lib.engsched_engagement_free(snap)

    def capabilities(self, actor: int, engagement: int) -> Action:
        """The actions ``actor`` may take on the engagement now."""
        out = ctypes.c_uint()
        self._call(
            "engsched_capabilities", _int(actor, "actor"), _int(engagement, "engagement"),
            ctypes.byref(out),
        )
        return Action(out.value)

    # --- support files ------------------------------------------------------

    def file_attach(
        self,
        actor: int,
        engagement: int,
        name: str,
        data: FileData,
        media_type: Optional[str] = None,
    ) -> int:
        """Attach a support file (bytes or a binary file object); returns its id."""
        args = (_int(actor, "actor"), _int(engagement, "engagement"), _text(name, "name"),
                _opt_text(media_type, "media_type"))
        content = _file_bytes(data, "data")
        return self._call_id("engsched_file_attach", *args, content, len(content))

    def files(self, actor: int, engagement: int) -> List[FileInfo]:
        """The support files of an engagement, oldest first."""
        actor, engagement = _int(actor, "actor"), _int(engagement, "engagement")
        lib = self._lib
        lst = _lib.FileListP()
        with self._handle() as db:
            self._check(db, lib.engsched_file_list_get(db, actor, engagement,
                                                       ctypes.byref(lst)))
            try:
                result = []
                for i in range(lib.engsched_file_list_count(lst)):
                    fid, size, by, at = (_lib.c_id(), ctypes.c_int64(), _lib.c_id(),
                                         ctypes.c_int64())
                    name, media = ctypes.c_char_p(), ctypes.c_char_p()
                    self._check(db, lib.engsched_file_list_item(
                        lst, i, ctypes.byref(fid), ctypes.byref(name), ctypes.byref(media),
                        ctypes.byref(size), ctypes.byref(by), ctypes.byref(at)))
                    result.append(FileInfo(fid.value, _str(name.value), _str(media.value),
                                           size.value, by.value, at.value))
                return result
            finally:
                lib.engsched_file_list_free(lst)

    def _file_read(self, actor: int, file: int, offset: int, size: int) -> bytes:
        buf = ctypes.create_string_buffer(size)
        got = ctypes.c_size_t()
        self._call("engsched_file_read", actor, file, offset, buf, size, ctypes.byref(got))
        return buf.raw[: got.value]

    def read_file(self, actor: int, file: int, *, chunk_size: int = _READ_CHUNK) -> bytes:
        """The whole content of a support file, read in chunks."""
        actor, file = _int(actor, "actor"), _int(file, "file")
        chunk_size = _int(chunk_size, "chunk_size", 1, 1 << 30)
        parts = []
        offset = 0
        while True:
            part = self._file_read(actor, file, offset, chunk_size)
            if not part:
                return b"".join(parts)
            parts.append(part)
            offset += len(part)

    def open_file(self, actor: int, file: int) -> "FileReader":
        """A read-only binary stream over a support file (checked on first read)."""
        return FileReader(self, _int(actor, "actor"), _int(file, "file"))

    def file_delete(self, actor: int, file: int) -> None:
        """Delete a support file."""
        self._call("engsched_file_delete", _int(actor, "actor"), _int(file, "file"))

    # --- events ---------------------------------------------------------------

    def events(self, actor: int, engagement: int) -> List[Dict[str, Any]]:
        """The engagement's audit trail, oldest first (docs/events.md)."""
        text = self._call_string(
            "engsched_events_json", _int(actor, "actor"), _int(engagement, "engagement")
        )
        result = json.loads(text) if text else []
        return list(result)

    # --- operators and unavailability -------------------------------------

    def _work_list(self, db: Any, name: str, *args: Any) -> List[WorkItem]:
        lib = self._lib
        lst = _lib.WorkListP()
        self._check(db, getattr(lib, name)(db, *args, ctypes.byref(lst)))
        try:
            return _copy_work(lib, lst)
        finally:
            lib.engsched_work_list_free(lst)

    def _assign_options(self, start: Optional[DateLike], end: Optional[DateLike],
                        percent: int, tentative: bool) -> Any:
        opts = _lib.AssignOptions()
        rc = self._lib.engsched_assign_options_init(ctypes.byref(opts),
                                                    _lib.ASSIGN_OPTIONS_VERSION)
        if rc != 0:
            raise error_for(rc, "assign options: unsupported version")
        opts.start = None if start is None else _date(start, "start")
        opts.end = None if end is None else _date(end, "end")
        opts.percent = _int(percent, "percent", -(1 << 31), (1 << 31) - 1)
        opts.tentative = 1 if tentative else 0
        return opts

    def assign(
        self,
        actor: int,
        engagement: int,
        user: int,
        role: int = OperatorRole.NONE,
        *,
        version: int = 0,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        percent: int = 0,
        tentative: bool = False,
    ) -> List[WorkItem]:
        """Assign an operator; returns the conflicts (warn policy).

        ``start``/``end`` narrow it to a window of the engagement's dates,
        ``percent`` (1-100, 0 for the whole day) is the share of each day and
        ``tentative`` makes it a hold (never a conflict; confirm it with
        :meth:`hold_confirm`). A day conflicts only when the operator's firm
        load passes 100 %."""
        args = (_int(actor, "actor"), _int(engagement, "engagement"), _int(version, "version"),
                _int(user, "user"), _int(role, "role", -(1 << 31), (1 << 31) - 1))
        opts = self._assign_options(start, end, percent, tentative)
        with self._handle() as db:
            return self._work_list(db, "engsched_assign_ex", *args, ctypes.byref(opts))

    def assignment_update(
        self,
        actor: int,
        engagement: int,
        user: int,
        *,
        version: int = 0,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        percent: int = 0,
        tentative: bool = False,
    ) -> List[WorkItem]:
        """Change an assigned operator's window, share or hold (checked as
        :meth:`assign` checks); returns the conflicts."""
        args = (_int(actor, "actor"), _int(engagement, "engagement"), _int(version, "version"),
                _int(user, "user"))
        opts = self._assign_options(start, end, percent, tentative)
        with self._handle() as db:
            return self._work_list(db, "engsched_assignment_update", *args, ctypes.byref(opts))

    def hold_confirm(self, actor: int, engagement: int, user: int, *,
                     version: int = 0) -> List[WorkItem]:
        """Confirm a tentative hold: checked again (ConflictError under the
        strict policy) and the invitation sent again; returns the conflicts."""
        args = (_int(actor, "actor"), _int(engagement, "engagement"), _int(version, "version"),
                _int(user, "user"))
        with self._handle() as db:
            return self._work_list(db, "engsched_hold_confirm", *args)

    def unassign(self, actor: int, engagement: int, user: int, *, version: int = 0) -> None:
        """Remove an operator from an engagement."""
        self._call(
            "engsched_unassign", _int(actor, "actor"), _int(engagement, "engagement"),
            _int(version, "version"), _int(user, "user"),
        )

    def operator_conflicts(self, actor: int, engagement: int, user: int) -> List[WorkItem]:
        """The work assigning ``user`` would overlap, without assigning."""
        args = (_int(actor, "actor"), _int(engagement, "engagement"), _int(user, "user"))
        with self._handle() as db:
            return self._work_list(db, "engsched_operator_conflicts", *args)

    def unavailability_add(
        self, actor: int, user: int, start: DateLike, end: DateLike, reason: str
    ) -> int:
        """Record dates a user cannot work; returns the id."""
        return self._call_id(
            "engsched_unavailability_add",
            _int(actor, "actor"),
            _int(user, "user"),
            _date(start, "start"),
            _date(end, "end"),
            _text(reason, "reason"),
        )

    def unavailability_list(
        self, actor: int, user: int, start: DateLike, end: DateLike
    ) -> List[WorkItem]:
        """A user's unavailability overlapping a range."""
        args = (_int(actor, "actor"), _int(user, "user"), _date(start, "start"),
                _date(end, "end"))
        with self._handle() as db:
            return self._work_list(db, "engsched_unavailability_list", *args)

    def unavailability_remove(self, actor: int, unavailability: int) -> None:
        """Remove recorded unavailability."""
        self._call(
            "engsched_unavailability_remove", _int(actor, "actor"),
            _int(unavailability, "unavailability"),
        )

    # --- List, Calendar, Availability -------------------------------------

    def _query(
        self,
        db: Any,
        *,
        statuses: Union[None, int, Iterable[int]],
        tab: Optional[int],
        client: Optional[int],
        operator: Optional[int],
        start: Optional[DateLike],
        end: Optional[DateLike],
        text: Optional[str],
        sort: int = Sort.START,
        descending: bool = False,
        limit: Optional[int] = None,
    ) -> Any:
        """A new engsched_query (the caller frees it); types checked first."""
        lib = self._lib
        if statuses is not None and tab is not None:
            raise ValueError("statuses and tab: give one or neither")
        mask = None
        if tab is not None:
            mask = lib.engsched_tab_statuses(_int(tab, "tab", -(1 << 31), (1 << 31) - 1))
            if mask == 0:
                raise ValueError(f"tab: {tab!r} is not a tab")
        elif statuses is not None:
            items = [statuses] if isinstance(statuses, int) else list(statuses)
            mask = 0
            for s in items:
                mask |= 1 << _int(s, "statuses", 0, 31)
        client_id = None if client is None else _int(client, "client")
        operator_id = None if operator is None else _int(operator, "operator")
        if (start is None) != (end is None):
            raise ValueError("start and end: give both or neither")
        dates = None if start is None else (_date(start, "start"), _date(end, "end"))
        needle = _opt_text(text, "text")
        sort_key = _int(sort, "sort", -(1 << 31), (1 << 31) - 1)
        page = None if limit is None else _uint(limit, "limit")

        q = _lib.QueryP()
        self._check(db, lib.engsched_query_new(db, ctypes.byref(q)))
        try:
            if mask is not None:
                self._check(db, lib.engsched_query_set_statuses(q, mask))
            if client_id is not None:
                self._check(db, lib.engsched_query_set_client(q, client_id))
            if operator_id is not None:
                self._check(db, lib.engsched_query_set_operator(q, operator_id))
            if dates is not None:
                self._check(db, lib.engsched_query_set_range(q, *dates))
            if needle is not None:
                self._check(db, lib.engsched_query_set_text(q, needle))
            self._check(db, lib.engsched_query_set_sort(q, sort_key, 1 if descending else 0))
            if page is not None:
                self._check(db, lib.engsched_query_set_limit(q, page))
        except BaseException:
            lib.engsched_query_free(q)
            raise
        return q

    def list(
        self,
        actor: int,
        *,
        statuses: Union[None, int, Iterable[int]] = None,
        tab: Optional[int] = None,
        client: Optional[int] = None,
        operator: Optional[int] = None,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        text: Optional[str] = None,
        sort: int = Sort.START,
        descending: bool = False,
        limit: Optional[int] = None,
        token: Optional[str] = None,
    ) -> Page:
        """One page of the List view; pass ``page.next_token`` as ``token``
        (with the same filters) for the next one."""
        actor = _int(actor, "actor")
        raw_token = _opt_text(token, "token")
        lib = self._lib
        with self._handle() as db:
            q = self._query(db, statuses=statuses, tab=tab, client=client, operator=operator,
                            start=start, end=end, text=text, sort=sort,
                            descending=descending, limit=limit)
            cur = _lib.CursorP()
            try:
                self._check(db, lib.engsched_list(db, actor, q, raw_token, ctypes.byref(cur)))
            finally:
                lib.engsched_query_free(q)
            try:
                rows = []
                has = ctypes.c_int()
                while True:
                    self._check(db, lib.engsched_cursor_next(cur, ctypes.byref(has)))
                    if not has.value:
                        break
                    rows.append(_copy_row(lib, cur))
                next_token = lib.engsched_cursor_next_token(cur)
                return Page(tuple(rows), None if next_token is None else _str(next_token))
            finally:
                lib.engsched_cursor_free(cur)

    def iter_list(
        self,
        actor: int,
        *,
        statuses: Union[None, int, Iterable[int]] = None,
        tab: Optional[int] = None,
        client: Optional[int] = None,
        operator: Optional[int] = None,
        start: Optional[DateLike] = None,
        end: Optional[DateLike] = None,
        text: Optional[str] = None,
        sort: int = Sort.START,
        descending: bool = False,
        limit: Optional[int] = None,
    ) -> Iterator[Row]:
        """Every row of the List view, page after page (``limit`` is the page
        size). The first page is read now, so errors are raised here."""
        if statuses is not None and not isinstance(statuses, int):
            statuses = tuple(statuses)  # an iterator would be spent by the first page
        kwargs: Dict[str, Any] = dict(
            statuses=statuses, tab=tab, client=client, operator=operator, start=start,
            end=end, text=text, sort=sort, descending=descending, limit=limit,
        )
        first = self.list(actor, **kwargs)
        return self._follow_pages(actor, first, kwargs)

    def _follow_pages(self, actor: int, page: Page, kwargs: Dict[str, Any]) -> Iterator[Row]:
        while True:
            yield from page.rows
            if page.next_token is None:
                return
            page = self.list(actor, token=page.next_token, **kwargs)

    def calendar(
        self,
        actor: int,
        start: DateLike,
        end: DateLike,
        *,
        statuses: Union[None, int, Iterable[int]] = None,
        tab: Optional[int] = None,
        client: Optional[int] = None,
        operator: Optional[int] = None,
        text: Optional[str] = None,
    ) -> "RowIterator":
        """The Calendar view: every visible engagement overlapping the range,
        by start date, streamed."""
        actor = _int(actor, "actor")
        lib = self._lib
        with self._handle() as db:
            q = self._query(db, statuses=statuses, tab=tab, client=client, operator=operator,
                            start=start, end=end, text=text)
            cur = _lib.CursorP()
            try:
                self._check(db, lib.engsched_calendar(db, actor, q, ctypes.byref(cur)))
            finally:
                lib.engsched_query_free(q)
            return RowIterator(self, self._own(cur, lib.engsched_cursor_free))

    def availability(self, actor: int, start: DateLike, end: DateLike, *,
                     tab: int = Tab.ALL) -> "AvailabilityIterator":
        """The Availability view: operators with their work in the range, streamed.

        ``tab`` filters the engagements shown as the List's tabs do; out-of-sight
        "Busy" blocks show on every tab, and utilisation counts all work."""
        args = (_int(actor, "actor"), _date(start, "start"), _date(end, "end"))
        lib = self._lib
        opts = _lib.AvailabilityOptions()
        rc = lib.engsched_availability_options_init(ctypes.byref(opts),
                                                     _lib.AVAILABILITY_OPTIONS_VERSION)
        if rc != 0:
            raise error_for(rc, "availability options: unsupported version")
        opts.tab = _int(tab, "tab", -(1 << 31), (1 << 31) - 1)
        av = _lib.AvailabilityP()
        with self._handle() as db:
            self._check(db, lib.engsched_availability_open_ex(db, *args, ctypes.byref(opts),
                                                              ctypes.byref(av)))
            return AvailabilityIterator(self, self._own(av, lib.engsched_availability_free))

    def capacity(self, actor: int, start: DateLike, end: DateLike, *,
                 bucket: int = Bucket.WEEK, per_operator: bool = True) -> "CapacityIterator":
        """Capacity over the range (VIEW_AVAILABILITY) in week or month buckets,
        streamed as :class:`CapacityRow` records.

        The operators are those of the Availability view (every operator
        sharing a client with the actor), with all their work; the demand is
        that of the Pending and Scheduled engagements of the clients the actor
        can access. Rows come one per operator and bucket (operators by display
        name and id, buckets in date order), then one total row per bucket;
        with ``per_operator=False`` the total rows alone. ``bucket`` is
        :attr:`Bucket.WEEK` (ISO weeks, the default) or :attr:`Bucket.MONTH`;
        the first and the last bucket are cut to the range. Work on clients the
        actor cannot access loads its operator but is never named: capacity
        shows no engagement at all. InvalidError for a bad date, range (at most
        :data:`RANGE_MAX_DAYS` days) or bucket, DeniedError without
        VIEW_AVAILABILITY, NotFoundError for no such actor."""
        args = (_int(actor, "actor"), _date(start, "start"), _date(end, "end"))
        lib = self._lib
        opts = _lib.CapacityOptions()
        rc = lib.engsched_capacity_options_init(ctypes.byref(opts), _lib.CAPACITY_OPTIONS_VERSION)
        if rc != 0:
            raise error_for(rc, "capacity options: unsupported version")
        opts.bucket = _int(bucket, "bucket", -(1 << 31), (1 << 31) - 1)
        opts.per_operator = 1 if per_operator else 0
        cap = _lib.CapacityP()
        with self._handle() as db:
            self._check(db, lib.engsched_capacity_open(db, *args, ctypes.byref(opts),
                                                       ctypes.byref(cap)))
            return CapacityIterator(self, self._own(cap, lib.engsched_capacity_free))

    # --- skills and candidates -------------------------------------------

    def _tags_in(self, tags: Iterable[str]) -> Tuple[Any, int]:
        if isinstance(tags, (str, bytes)):
            raise TypeError("tags: expected an iterable of str, not one string")
        encoded = [_text(t, "tags") for t in tags]
        array = (ctypes.c_char_p * max(len(encoded), 1))(*encoded)
        return array, len(encoded)

    def _tags_out(self, name: str, *args: Any) -> Tuple[str, ...]:
        lib = self._lib
        lst = _lib.TagListP()
        with self._handle() as db:
            self._check(db, getattr(lib, name)(db, *args, ctypes.byref(lst)))
            try:
                return _copy_tags(lib, lst)
            finally:
                lib.engsched_tag_list_free(lst)

    def user_skills_set(self, actor: int, user: int, tags: Iterable[str]) -> None:
        """Replace a user's skills (their own, or anyone's in sight with ASSIGN)."""
        array, n = self._tags_in(tags)
        self._call("engsched_user_skills_set", _int(actor, "actor"), _int(user, "user"), array, n)

    def user_skills(self, actor: int, user: int) -> Tuple[str, ...]:
        """A user's skills, sorted."""
        return self._tags_out("engsched_user_skills", _int(actor, "actor"), _int(user, "user"))

    def required_skills_set(
        self, actor: int, engagement: int, tags: Iterable[str], *, version: int = 0
    ) -> None:
        """Replace the skills an engagement requires (EDIT or ASSIGN); raises its version."""
        array, n = self._tags_in(tags)
        self._call(
            "engsched_required_skills_set", _int(actor, "actor"),
            _int(engagement, "engagement"), _int(version, "version"), array, n,
        )

    def required_skills(self, actor: int, engagement: int) -> Tuple[str, ...]:
        """The skills an engagement requires, sorted."""
        return self._tags_out(
            "engsched_required_skills", _int(actor, "actor"), _int(engagement, "engagement")
        )

    def candidates(self, actor: int, engagement: int) -> "CandidatesIterator":
        """Every operator who may be assigned to ``engagement``, best first (ASSIGN)."""
        args = (_int(actor, "actor"), _int(engagement, "engagement"))
        lib = self._lib
        c = _lib.CandidatesP()
        with self._handle() as db:
            self._check(db, lib.engsched_candidates_open(db, *args, ctypes.byref(c)))
            return CandidatesIterator(self, self._own(c, lib.engsched_candidates_free))

    # --- invitations, feeds, JSON ----------------------------------------

    def invitation_ics(self, actor: int, engagement: int, user: int) -> str:
        """The operator's invitation as iCalendar text (REQUEST or CANCEL)."""
        return self._call_string(
            "engsched_invitation_ics", _int(actor, "actor"), _int(engagement, "engagement"),
            _int(user, "user"),
        )

    def invitation_mail(self, actor: int, engagement: int, user: int) -> bytes:
        """The invitation's iMIP message as last sent (RFC 5322, CRLF)."""
        return self._call_bytes(
            "engsched_invitation_mail", _int(actor, "actor"), _int(engagement, "engagement"),
            _int(user, "user"),
        )

    def feed_ics(self, actor: int, user: int) -> str:
        """A calendar feed (METHOD:PUBLISH) of what ``user`` may see."""
        return self._call_string("engsched_feed_ics", _int(actor, "actor"), _int(user, "user"))

    def engagement_json(self, actor: int, engagement: int) -> str:
        """One engagement as JSON text (docs/json.md)."""
        return self._call_string(
            "engsched_engagement_json", _int(actor, "actor"), _int(engagement, "engagement")
        )

    def export_json(self, actor: int) -> str:
        """Everything ``actor`` may see as one JSON document."""
        return self._call_string("engsched_export_json", _int(actor, "actor"))

    def import_json(
        self, document: Union[str, bytes, Mapping[str, Any]], *, actor: int
    ) -> int:
        """Import an export document, all or nothing; returns how many
        engagements were imported."""
        if isinstance(document, Mapping):
            document = json.dumps(dict(document), ensure_ascii=False)
        if isinstance(document, (bytes, bytearray)):
            document = bytes(document).decode("utf-8")
        raw = _text(document, "document")
        out = ctypes.c_uint()
        self._call("engsched_import_json", _int(actor, "actor"), raw, ctypes.byref(out))
        return out.value


# --- copies out of C objects ------------------------------------------------


def _copy_engagement(lib: Any, e: Any) -> Engagement:
    operators = []
    for i in range(lib.engsched_engagement_operator_count(e)):
        user, role, by, at = _lib.c_id(), ctypes.c_int(), _lib.c_id(), ctypes.c_int64()
        rc = lib.engsched_engagement_operator(
            e, i, ctypes.byref(user), ctypes.byref(role), ctypes.byref(by), ctypes.byref(at)
        )
        if rc != 0:
            raise error_for(rc, f"operator {i} of the snapshot: {_str(lib.engsched_rc_describe(rc))}")
        ws, we = ctypes.c_char_p(), ctypes.c_char_p()
        percent, tentative = ctypes.c_int(), ctypes.c_int()
        rc = lib.engsched_engagement_operator_allocation(
            e, i, ctypes.byref(ws), ctypes.byref(we), ctypes.byref(percent),
            ctypes.byref(tentative))
        if rc != 0:
            raise error_for(rc, f"operator {i} of the snapshot: {_str(lib.engsched_rc_describe(rc))}")
        operators.append(Assignment(user.value, _enum(OperatorRole, role.value), by.value,
                                    at.value, _day(ws.value), _day(we.value), percent.value,
                                    bool(tentative.value)))
    report = lib.engsched_engagement_report(e)
    return Engagement(
        id=lib.engsched_engagement_id(e),
        client=lib.engsched_engagement_client(e),
        requested_by=lib.engsched_engagement_requested_by(e),
        name=_str(lib.engsched_engagement_name(e)),
        description=_str(lib.engsched_engagement_description(e)),
        type=_str(lib.engsched_engagement_type(e)),
        location=_str(lib.engsched_engagement_location(e)),
        contacts=_str(lib.engsched_engagement_contacts(e)),
        custom_fields_json=_str(lib.engsched_engagement_custom_fields(e)) or "{}",
        start=_day(lib.engsched_engagement_start(e)),
        end=_day(lib.engsched_engagement_end(e)),
        status=_enum(Status, lib.engsched_engagement_status(e)),
        cancel_reason=_str(lib.engsched_engagement_cancel_reason(e)),
        version=lib.engsched_engagement_version(e),
        created_at=lib.engsched_engagement_created_at(e),
        updated_at=lib.engsched_engagement_updated_at(e),
        report=report or None,
        report_status=_enum(ReportStatus, lib.engsched_engagement_report_status(e)),
        report_title=_str(lib.engsched_engagement_report_title(e)),
        operators=tuple(operators),
        recurrence=_str(lib.engsched_engagement_recurrence(e)),
        origin=lib.engsched_engagement_origin(e) or None,
    )


def _copy_tags(lib: Any, lst: Any) -> Tuple[str, ...]:
    return tuple(
        _str(lib.engsched_tag_list_item(lst, i)) for i in range(lib.engsched_tag_list_count(lst))
    )


def _copy_work(lib: Any, lst: Any) -> List[WorkItem]:
    items = []
    for i in range(lib.engsched_work_list_count(lst)):
        kind, wid, status = ctypes.c_int(), _lib.c_id(), ctypes.c_int()
        label, start, end = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
        rc = lib.engsched_work_list_item(
            lst, i, ctypes.byref(kind), ctypes.byref(wid), ctypes.byref(label),
            ctypes.byref(start), ctypes.byref(end), ctypes.byref(status),
        )
        percent, tentative = ctypes.c_int(), ctypes.c_int()
        if rc == 0:
            rc = lib.engsched_work_list_item_allocation(lst, i, ctypes.byref(percent),
                                                        ctypes.byref(tentative))
        if rc != 0:
            raise error_for(rc, f"work item {i}: {_str(lib.engsched_rc_describe(rc))}")
        items.append(WorkItem(
            kind=_enum(WorkKind, kind.value),
            id=wid.value,
            label=_str(label.value),
            start=_day(start.value),
            end=_day(end.value),
            status=_enum(Status, status.value) if status.value else None,
            user=lib.engsched_work_list_item_user(lst, i),
            percent=percent.value,
            tentative=bool(tentative.value),
        ))
    return items


def _copy_row(lib: Any, cur: Any) -> Row:
    return Row(
        id=lib.engsched_cursor_id(cur),
        client=lib.engsched_cursor_client(cur),
        name=_str(lib.engsched_cursor_name(cur)),
        start=_day(lib.engsched_cursor_start(cur)),
        end=_day(lib.engsched_cursor_end(cur)),
        status=_enum(Status, lib.engsched_cursor_status(cur)),
        report_status=_enum(ReportStatus, lib.engsched_cursor_report_status(cur)),
        version=lib.engsched_cursor_version(cur),
        updated_at=lib.engsched_cursor_updated_at(cur),
    )


# --- streaming iterators ------------------------------------------------------


class _Stream:
    """An iterator over a C stream owned by its scheduler.

    Exhausted or :meth:`close`-d: StopIteration. Its scheduler closed while
    it was open: MisuseError (the C stream was freed with the handle).
    """

    _next_fn = ""

    def __init__(self, scheduler: Scheduler, res: _Resource) -> None:
        self._scheduler: Optional[Scheduler] = scheduler
        self._res: Optional[_Resource] = res

    def __iter__(self) -> "_Stream":
        return self

    def _advance(self) -> Any:
        """Move to the next row under the lock; returns a copy, or raises StopIteration."""
        scheduler, res = self._scheduler, self._res
        if scheduler is None or res is None:
            raise StopIteration
        lib = scheduler._lib
        with scheduler._handle() as db:
            if not res.ptr:
                raise MisuseError("the stream was freed")
            has = ctypes.c_int()
            scheduler._check(db, getattr(lib, self._next_fn)(res.ptr, ctypes.byref(has)))
            if has.value:
                return self._copy(lib, res.ptr)
        self.close()
        raise StopIteration

    def _copy(self, lib: Any, ptr: Any) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        """Free the C stream now (also done when exhausted or collected)."""
        scheduler, res = self._scheduler, self._res
        self._scheduler = self._res = None
        if scheduler is not None and res is not None:
            scheduler._disown(res)

    def __enter__(self) -> "_Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class RowIterator(_Stream):
    """Rows of the Calendar view."""

    _next_fn = "engsched_cursor_next"

    def __next__(self) -> Row:
        return self._advance()  # type: ignore[no-any-return]

    def __enter__(self) -> "RowIterator":
        return self

    def _copy(self, lib: Any, ptr: Any) -> Row:
        return _copy_row(lib, ptr)


class AvailabilityIterator(_Stream):
    """Operators of the Availability view, each with their work."""

    _next_fn = "engsched_availability_next"

    def __next__(self) -> OperatorAvailability:
        return self._advance()  # type: ignore[no-any-return]

    def __enter__(self) -> "AvailabilityIterator":
        return self

    def _copy(self, lib: Any, ptr: Any) -> OperatorAvailability:
        return OperatorAvailability(
            user=lib.engsched_availability_user(ptr),
            name=_str(lib.engsched_availability_name(ptr)),
            utilisation=lib.engsched_availability_utilisation(ptr),
            work=tuple(_copy_work(lib, lib.engsched_availability_work(ptr))),
            load_with_holds=_held_load(lib, ptr),
        )


def _held_load(lib: Any, ptr: Any) -> float:
    firm, held = ctypes.c_double(), ctypes.c_double()
    rc = lib.engsched_availability_load(ptr, ctypes.byref(firm), ctypes.byref(held))
    if rc != 0:
        raise error_for(rc, f"availability load: {_str(lib.engsched_rc_describe(rc))}")
    return held.value


class CapacityIterator(_Stream):
    """The rows of :meth:`Scheduler.capacity`: each operator's buckets, then
    the total of each bucket."""

    _next_fn = "engsched_capacity_next"

    def __next__(self) -> CapacityRow:
        return self._advance()  # type: ignore[no-any-return]

    def __enter__(self) -> "CapacityIterator":
        return self

    def _copy(self, lib: Any, ptr: Any) -> CapacityRow:
        name = lib.engsched_capacity_name(ptr)

        def value(measure: CapacityMeasure) -> int:
            return int(lib.engsched_capacity_value(ptr, measure))

        return CapacityRow(
            user=lib.engsched_capacity_user(ptr),
            name=None if name is None else _str(name),
            start=_day(lib.engsched_capacity_bucket_start(ptr)),
            end=_day(lib.engsched_capacity_bucket_end(ptr)),
            working=value(CapacityMeasure.WORKING),
            absent=value(CapacityMeasure.ABSENT),
            available=value(CapacityMeasure.AVAILABLE),
            firm=value(CapacityMeasure.FIRM),
            tentative=value(CapacityMeasure.TENTATIVE),
            free=value(CapacityMeasure.FREE),
            overbooked=value(CapacityMeasure.OVERBOOKED),
            demand=value(CapacityMeasure.DEMAND),
            unstaffed=value(CapacityMeasure.UNSTAFFED),
            unstaffed_with_holds=value(CapacityMeasure.UNSTAFFED_WITH_HOLDS),
        )


class CandidatesIterator(_Stream):
    """The candidates of one engagement, best first, each with their work."""

    _next_fn = "engsched_candidates_next"

    def __next__(self) -> Candidate:
        return self._advance()  # type: ignore[no-any-return]

    def __enter__(self) -> "CandidatesIterator":
        return self

    def _copy(self, lib: Any, ptr: Any) -> Candidate:
        return Candidate(
            user=lib.engsched_candidates_user(ptr),
            name=_str(lib.engsched_candidates_name(ptr)),
            rank=lib.engsched_candidates_rank(ptr),
            free_days=lib.engsched_candidates_free_days(ptr),
            conflict_days=lib.engsched_candidates_conflict_days(ptr),
            matched=lib.engsched_candidates_matched(ptr),
            missing=lib.engsched_candidates_missing(ptr),
            missing_tags=_copy_tags(lib, lib.engsched_candidates_missing_tags(ptr)),
            work=tuple(_copy_work(lib, lib.engsched_candidates_work(ptr))),
            assigned=bool(lib.engsched_candidates_assigned(ptr)),
        )


class FileReader(io.RawIOBase):
    """A read-only binary stream over one support file, read through
    engsched_file_read() as the caller asks; seekable from the start or the
    current position."""

    def __init__(self, scheduler: Scheduler, actor: int, file: int) -> None:
        super().__init__()
        self._scheduler = scheduler
        self._actor = actor
        self._file = file
        self._pos = 0

    @property
    def file_id(self) -> int:
        """The support file's id."""
        return self._file

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        offset = _int(offset, "offset")
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        else:
            raise io.UnsupportedOperation("seek from the end: the size is in files()")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._pos = target
        return target

    def readinto(self, buffer: Any) -> int:
        self._check_open()
        view = memoryview(buffer).cast("B")
        if len(view) == 0:
            return 0
        data = self._scheduler._file_read(self._actor, self._file, self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        parts = []
        while True:
            part = self.read(_READ_CHUNK)
            if not part:
                return b"".join(parts)
            parts.append(part)

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")
