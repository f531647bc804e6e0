"""An engagement's life: request, create, approve, edit, cancel, report
status, tick, clone, recurrence and batches.

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import json
import time
from typing import (
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    TypeVar,
    Union,
)

from . import _lib
from ._args import (
    _date,
    _file_bytes,
    _instant,
    _int,
    _opt_text,
    _text,
)
from .enums import OperatorRole
from .errors import EngschedError
from .models import TickReport, WorkItem
from ._core import (
    _Core,
    DateLike,
    FileSpec,
    OperatorSpec,
)

from ._copy import _copy_work

__all__ = ["LifecycleMixin"]

_S = TypeVar("_S", bound="LifecycleMixin")


class LifecycleMixin(_Core):
    """Lifecycle operations; part of :class:`~engsched.Scheduler`."""

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
    def batch(self: _S) -> Iterator[_S]:
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
