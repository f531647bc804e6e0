"""Argument checks and conversions shared by the Scheduler and its outbox
methods: wrong Python types are TypeError, values C cannot hold ValueError
or OverflowError, before anything reaches C."""

from __future__ import annotations

import contextlib
import ctypes
import datetime
from typing import Any, Optional, Type, TypeVar

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT_MAX = (1 << 32) - 1

_E = TypeVar("_E")
_I = TypeVar("_I", bound=int)


# --- argument checks: wrong types are TypeError, never a ctypes guess -----


def _int(value: Any, what: str, lo: int = _INT64_MIN, hi: int = _INT64_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: expected int, got {type(value).__name__}")
    value = int(value)
    if not lo <= value <= hi:
        raise OverflowError(f"{what}: {value} is out of range")
    return value


def _id(value: _I, what: str) -> _I:
    """An id checked as :func:`_int` checks (a NewType is an int at run
    time), its kind kept for the type checker."""
    _int(value, what)
    return value


def _version(value: Any) -> int:
    """The version the caller saw (≥ 1), or None for "do not check", which
    C spells 0: a caller skips the concurrent-change check by saying so."""
    return 0 if value is None else _int(value, "version", 1)


def _uint(value: Any, what: str) -> int:
    return _int(value, what, 0, _UINT_MAX)


def _text(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected str, got {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what}: must not contain NUL")
    return value.encode("utf-8")


def _opt_text(value: Any, what: str) -> Optional[bytes]:
    return None if value is None else _text(value, what)


def _date(value: Any, what: str) -> bytes:
    """A calendar date for C ("YYYY-MM-DD"). Only a :class:`datetime.date`:
    a string is refused so that what mypy accepts and what runs agree, and
    a datetime (a date subclass) is refused because its time would be
    silently dropped."""
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{what}: expected a datetime.date, got a datetime (use .date())")
    if isinstance(value, datetime.date):
        return value.isoformat().encode("ascii")
    raise TypeError(f"{what}: expected a datetime.date, got {type(value).__name__}")


def _opt_date(value: Any, what: str) -> Optional[bytes]:
    return None if value is None else _date(value, what)


def _instant(value: Any, what: str) -> int:
    """UTC seconds for C from a timezone-aware datetime; a naive one is
    refused (ValueError): it names no instant until it has a zone."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{what}: a naive datetime names no instant; give it a tzinfo "
                "(datetime.timezone.utc)"
            )
        return _int(int(value.timestamp()), what)
    raise TypeError(f"{what}: expected a timezone-aware datetime, got {type(value).__name__}")


def _utc(seconds: int) -> datetime.datetime:
    """The aware UTC datetime of C's UTC seconds."""
    return datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)


def _opt_utc(seconds: int) -> Optional[datetime.datetime]:
    """As :func:`_utc`; None for 0, C's "none"."""
    return _utc(seconds) if seconds else None


def _str(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def _day(raw: Optional[bytes]) -> datetime.date:
    return datetime.date.fromisoformat(_str(raw))


def _enum(cls: Type[_E], value: int) -> _E:
    """The member for value; a plain int for a value a newer library added."""
    try:
        return cls(value)  # type: ignore[call-arg]
    except ValueError:
        return value  # type: ignore[return-value]


def _file_bytes(data: Any, what: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    read = getattr(data, "read", None)
    if callable(read):
        content = read()
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise TypeError(f"{what}: the file object must be opened in binary mode")
        return bytes(content)
    raise TypeError(f"{what}: expected bytes or a binary file object, got {type(data).__name__}")


def _report_callback_error(exc: BaseException) -> None:
    """Report an exception a callback raised the way ctypes does: through
    sys.unraisablehook ("Exception ignored on calling ctypes callback")."""

    def reraise() -> None:
        raise exc

    with contextlib.suppress(BaseException):
        ctypes.CFUNCTYPE(None)(reraise)()
