"""The plumbing every part of the Scheduler shares: one handle, one lock,
C calls checked into exceptions, and the C objects the handle owns.

The mixins (directory, lifecycle, views, staffing, files, documents, ...)
derive from :class:`_Core`; :class:`~engsched.Scheduler` sets its state.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import threading
from typing import IO, Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from . import _lib
from ._args import _str
from .enums import OperatorRole
from .errors import EngschedError, MisuseError, error_for
from .ids import UserId

FileData = Union[bytes, bytearray, memoryview, IO[bytes]]
FileSpec = Union[Tuple[str, Optional[str], FileData], Tuple[str, FileData]]
#: An operator to assign: a user, or (user, :class:`OperatorRole`).
OperatorSpec = Union[UserId, Tuple[UserId, OperatorRole]]
#: ``clock() -> datetime``: the library's "now", a timezone-aware datetime.
Clock = Callable[[], datetime.datetime]


class _Resource:
    """A C object owned by a scheduler; freed once, at the latest on close."""

    __slots__ = ("ptr", "free")

    def __init__(self, ptr: Any, free: Callable[[Any], None]) -> None:
        self.ptr = ptr
        self.free = free


class _Core:
    """The handle and its lock; the state is set by Scheduler.__init__."""

    _db: Any
    _lock: threading.Lock
    _owner: Optional[int]
    _resources: Dict[int, _Resource]
    _res_lock: "threading.RLock"
    _callbacks: List[Any]
    _lib: Any
    _clock: Optional[Clock]

    def _keep(self, cfunc: Any) -> Any:
        self._callbacks.append(cfunc)  # C keeps a pointer; Python must keep the object
        return cfunc

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
        return int(out.value)

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
