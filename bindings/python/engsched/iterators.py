"""Streaming iterators over C streams their scheduler owns."""

from __future__ import annotations

import contextlib
import ctypes
from typing import Any, Optional

from ._args import _day, _str
from .enums import CapacityMeasure
from .errors import MisuseError, error_for
from .ids import UserId
from .models import (
    Candidate,
    CapacityRow,
    OperatorAvailability,
    Row,
)
from ._core import _Core, _Resource
from ._copy import _copy_row, _copy_tags, _copy_work

__all__ = ["RowIterator", "AvailabilityIterator", "CandidatesIterator", "CapacityIterator"]


class _Stream:
    """An iterator over a C stream owned by its scheduler.

    Exhausted or :meth:`close`-d: StopIteration. Its scheduler closed while
    it was open: MisuseError (the C stream was freed with the handle).
    """

    _next_fn = ""

    def __init__(self, scheduler: _Core, res: _Resource) -> None:
        self._scheduler: Optional[_Core] = scheduler
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
            user=UserId(lib.engsched_availability_user(ptr)),
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
            user=UserId(lib.engsched_capacity_user(ptr)),
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
            user=UserId(lib.engsched_candidates_user(ptr)),
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
