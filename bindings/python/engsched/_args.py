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


# --- argument checks: wrong types are TypeError, never a ctypes guess -----


def _int(value: Any, what: str, lo: int = _INT64_MIN, hi: int = _INT64_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: expected int, got {type(value).__name__}")
    value = int(value)
    if not lo <= value <= hi:
        raise OverflowError(f"{what}: {value} is out of range")
    return value


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
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{what}: expected a date or 'YYYY-MM-DD', got a datetime (use .date())")
    if isinstance(value, datetime.date):
        return value.isoformat().encode("ascii")
    if isinstance(value, str):
        return _text(value, what)
    raise TypeError(f"{what}: expected a date or 'YYYY-MM-DD', got {type(value).__name__}")


def _instant(value: Any, what: str) -> int:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{what}: a naive datetime is ambiguous; give it a tzinfo")
        return int(value.timestamp())
    if isinstance(value, float):
        return _int(int(value), what)
    return _int(value, what)


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
