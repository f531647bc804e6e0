"""One exception class per ``engsched_rc`` result code, under EngschedError."""

from __future__ import annotations

import enum
from typing import Dict, Optional, Type

__all__ = [
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
    "error_for",
]


class ResultCode(enum.IntEnum):
    """``engsched_rc``: stable, append-only result codes."""

    OK = 0
    EINVAL = 1
    ENOMEM = 2
    ENOTFOUND = 3
    EDENIED = 4
    ESTATE = 5
    ECONFLICT = 6
    EEXISTS = 7
    ETOOBIG = 8
    EBUSY = 9
    ESTORAGE = 10
    ECORRUPT = 11
    EUNSUPPORTED = 12
    EMISUSE = 13

    @property
    def code_name(self) -> str:
        """The C name, e.g. ``"ENGSCHED_EINVAL"`` (as engsched_rc_name())."""
        return "ENGSCHED_" + self.name


class EngschedError(Exception):
    """A libengsched call failed.

    ``code`` is the :class:`ResultCode`, ``code_name`` its C name and
    ``message`` the library's explanation (engsched_errmsg()).
    """

    code: int = -1

    def __init__(self, message: str = "", code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    @property
    def code_name(self) -> str:
        try:
            return ResultCode(self.code).code_name
        except ValueError:
            return "ENGSCHED_UNKNOWN"

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code_name})"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.message, self.code))


class InvalidError(EngschedError, ValueError):
    """ENGSCHED_EINVAL: an argument or input field is invalid."""

    code = ResultCode.EINVAL


class NoMemoryError(EngschedError, MemoryError):
    """ENGSCHED_ENOMEM: an allocation failed; nothing changed."""

    code = ResultCode.ENOMEM


class NotFoundError(EngschedError, LookupError):
    """ENGSCHED_ENOTFOUND: no such object, or not visible to the actor."""

    code = ResultCode.ENOTFOUND


class DeniedError(EngschedError):
    """ENGSCHED_EDENIED: the actor lacks the permission."""

    code = ResultCode.EDENIED


class StateError(EngschedError):
    """ENGSCHED_ESTATE: not allowed in the engagement's current status."""

    code = ResultCode.ESTATE


class ConflictError(EngschedError):
    """ENGSCHED_ECONFLICT: stale version, or a refused scheduling conflict."""

    code = ResultCode.ECONFLICT


class ExistsError(EngschedError):
    """ENGSCHED_EEXISTS: the object already exists."""

    code = ResultCode.EEXISTS


class TooBigError(EngschedError):
    """ENGSCHED_ETOOBIG: a size or count limit would be exceeded."""

    code = ResultCode.ETOOBIG


class BusyError(EngschedError):
    """ENGSCHED_EBUSY: the store stayed locked past the busy timeout."""

    code = ResultCode.EBUSY


class StorageError(EngschedError):
    """ENGSCHED_ESTORAGE: the storage backend failed."""

    code = ResultCode.ESTORAGE


class CorruptError(EngschedError):
    """ENGSCHED_ECORRUPT: the store is damaged or not a libengsched store."""

    code = ResultCode.ECORRUPT


class UnsupportedError(EngschedError):
    """ENGSCHED_EUNSUPPORTED: not supported (also: a function the loaded
    library does not implement)."""

    code = ResultCode.EUNSUPPORTED


class MisuseError(EngschedError):
    """ENGSCHED_EMISUSE: the API was misused (also: a closed scheduler, or a
    callback using the scheduler that invoked it)."""

    code = ResultCode.EMISUSE


_BY_CODE: Dict[int, Type[EngschedError]] = {
    cls.code: cls
    for cls in (
        InvalidError,
        NoMemoryError,
        NotFoundError,
        DeniedError,
        StateError,
        ConflictError,
        ExistsError,
        TooBigError,
        BusyError,
        StorageError,
        CorruptError,
        UnsupportedError,
        MisuseError,
    )
}


def error_for(code: int, message: str) -> EngschedError:
    """The exception for a result code (EngschedError for an unknown one)."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return EngschedError(message, code)
    return cls(message)
