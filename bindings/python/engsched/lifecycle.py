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
from ._args import _id, _date, _file_bytes, _instant, _int, _opt_date, _opt_text, _text, _version
from .enums import OperatorRole, ReportStatus
from .errors import EngschedError
from .ids import ClientId, EngagementId, ReportId, UserId
from .models import TickReport, WorkItem
from ._core import _Core, FileSpec, OperatorSpec

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
        client = None if client is None else _id(client, "client")
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

    def _with_input(self, call: Callable[[Any, Any], Any], fields: Dict[str, Any],
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
        actor: UserId,
        *,
        name: str,
        client: ClientId,
        start: datetime.date,
        end: datetime.date,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
        files: Sequence[FileSpec] = (),
    ) -> EngagementId:
        """Request an engagement; it starts Pending. Returns its id.

        ``actor`` needs REQUEST on ``client`` (and FILES_UPLOAD for ``files``,
        each ``(name, media_type, data)`` or ``(name, data)``). ``end`` is the
        last day, inclusive. InvalidError for a bad field or range,
        DeniedError, NotFoundError for an unknown client or actor."""
        actor = _id(actor, "actor")
        out = _lib.c_id()
        self._with_input(
            lambda db, b: self._lib.engsched_request(db, actor, b, ctypes.byref(out)),
            dict(name=name, client=client, start=start, end=end, description=description,
                 type=type, location=location, contacts=contacts,
                 custom_fields=custom_fields, files=files),
        )
        return EngagementId(out.value)

    def create(
        self,
        actor: UserId,
        *,
        name: str,
        client: ClientId,
        start: datetime.date,
        end: datetime.date,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
        report_title: Optional[str] = None,
        operators: Sequence[OperatorSpec] = (),
        files: Sequence[FileSpec] = (),
    ) -> EngagementId:
        """Create an engagement directly with its report: Scheduled, or In
        Progress when its start date is reached (CREATE). Returns its id.

        As :meth:`request`, plus ``report_title`` and ``operators`` (each a
        user or ``(user, OperatorRole)``); an operator's overlapping work is
        ConflictError under the strict conflict policy."""
        actor = _id(actor, "actor")
        out = _lib.c_id()
        self._with_input(
            lambda db, b: self._lib.engsched_create(db, actor, b, ctypes.byref(out)),
            dict(name=name, client=client, start=start, end=end, description=description,
                 type=type, location=location, contacts=contacts,
                 custom_fields=custom_fields, report_title=report_title,
                 operators=operators, files=files),
        )
        return EngagementId(out.value)

    def approve(
        self,
        actor: UserId,
        engagement: EngagementId,
        *,
        version: Optional[int],
        name: Optional[str] = None,
        start: Optional[datetime.date] = None,
        end: Optional[datetime.date] = None,
        description: Optional[str] = None,
        type: Optional[str] = None,
        location: Optional[str] = None,
        contacts: Optional[str] = None,
        custom_fields: Union[None, str, Mapping[str, Any]] = None,
        report_title: Optional[str] = None,
        operators: Sequence[OperatorSpec] = (),
    ) -> None:
        """Approve a pending engagement ("Schedule & create report", APPROVE):
        it gets its report and becomes Scheduled (In Progress if started).

        ``version`` is the one the caller saw (StateError if it changed
        since), or None to skip that check. The other fields are optional
        changes made with the approval. StateError if not Pending."""
        actor, engagement = _id(actor, "actor"), _id(engagement, "engagement")
        version = _version(version)
        self._with_input(
            lambda db, b: self._lib.engsched_approve(db, actor, engagement, version, b),
            dict(name=name, start=start, end=end, description=description, type=type,
                 location=location, contacts=contacts, custom_fields=custom_fields,
                 report_title=report_title, operators=tuple(operators)),
            always=False,
        )

    def edit(
        self,
        actor: UserId,
        engagement: EngagementId,
        version: int,
        *,
        name: Optional[str] = None,
        start: Optional[datetime.date] = None,
        end: Optional[datetime.date] = None,
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
        nothing changes. ``version`` is required (≥ 1): StateError if the
        engagement changed since; EDIT needed, DeniedError otherwise."""
        actor, engagement = _id(actor, "actor"), _id(engagement, "engagement")
        version = _int(version, "version", 1)
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
        self,
        actor: UserId,
        engagement: EngagementId,
        *,
        version: Optional[int],
        reason: Optional[str] = None,
    ) -> None:
        """Cancel an engagement, for good (CANCEL); its operators' invitations
        are cancelled. ``version``: the one seen, or None not to check;
        ``reason`` at most 4096 bytes. StateError if already final."""
        self._call(
            "engsched_cancel",
            _id(actor, "actor"),
            _id(engagement, "engagement"),
            _version(version),
            _opt_text(reason, "reason"),
        )

    def report_set_status(
        self,
        actor: UserId,
        engagement: EngagementId,
        status: ReportStatus,
        *,
        version: Optional[int],
    ) -> None:
        """Move the engagement's report to another status; the engagement's
        status follows (docs/design.md §2).

        One step forward, or back to Draft from any later stage (StateError
        otherwise). The permission depends on the target: REPORT_EDIT for
        Draft and Ready for Review, REPORT_REVIEW for In Review and
        Approved, REPORT_PUBLISH for Published. ``version``: the one seen,
        or None not to check."""
        self._call(
            "engsched_report_set_status",
            _id(actor, "actor"),
            _id(engagement, "engagement"),
            _version(version),
            _int(status, "status", -(1 << 31), (1 << 31) - 1),
        )

    def _now(self, now: Optional[datetime.datetime]) -> int:
        if now is None:
            now = self._clock() if self._clock is not None else datetime.datetime.now(
                datetime.timezone.utc)
        return _instant(now, "now")

    def tick(self, now: Optional[datetime.datetime] = None) -> int:
        """The hourly job, run as the system: every Scheduled engagement whose
        start date is reached in the tenant time zone moves to In Progress.
        Returns how many moved. Idempotent; MisuseError inside a batch.

        ``now`` (timezone-aware) defaults to the clock callback, else the
        system time.
        """
        seconds = self._now(now)
        out = ctypes.c_uint()
        self._call("engsched_tick", seconds, ctypes.byref(out))
        return out.value

    def tick_ex(self, now: Optional[datetime.datetime] = None) -> TickReport:
        """:meth:`tick`, which also creates the occurrences of recurring
        series that start today or later; returns what it did."""
        seconds = self._now(now)
        out = _lib.TickReport()
        out.version = _lib.TICK_REPORT_VERSION
        self._call("engsched_tick_ex", seconds, ctypes.byref(out))
        return TickReport(moved=out.moved, occurrences_created=out.occurrences_created)

    def clone(
        self,
        actor: UserId,
        engagement: EngagementId,
        *,
        start: Optional[datetime.date] = None,
        end: Optional[datetime.date] = None,
        dates: bool = False,
        operators: bool = False,
        recurrence: bool = False,
    ) -> EngagementId:
        """Copy an engagement's details into a new engagement; returns its id.

        Give ``start`` and ``end``, or ``dates=True`` to copy the source's
        (InvalidError without dates). ``operators`` and ``recurrence`` copy
        those too; never the report, files or events. Created as
        :meth:`create` creates when the actor has CREATE, else requested
        (Pending, and operators are refused). The actor must see the source.
        """
        opts = _lib.CloneOptions()
        opts.version = _lib.CLONE_OPTIONS_VERSION
        opts.flags = ((_lib.CLONE_DATES if dates else 0)
                      | (_lib.CLONE_OPERATORS if operators else 0)
                      | (_lib.CLONE_RECURRENCE if recurrence else 0))
        opts.start = _opt_date(start, "start")
        opts.end = _opt_date(end, "end")
        out = _lib.c_id()
        self._call("engsched_clone", _id(actor, "actor"), _id(engagement, "engagement"),
                   ctypes.byref(opts), ctypes.byref(out))
        return EngagementId(out.value)

    def recurrence_set(
        self,
        actor: UserId,
        engagement: EngagementId,
        rrule: Optional[str],
        *,
        version: Optional[int],
    ) -> None:
        """Give an engagement an RFC 5545 RRULE value ("FREQ=YEARLY"); None or
        "" clears it (EDIT). Engagements are whole days: rules more often
        than daily, or naming hours, minutes, seconds or RSCALE, are
        InvalidError. :meth:`tick_ex` creates the occurrences. ``version``:
        the one seen, or None not to check."""
        self._call(
            "engsched_recurrence_set",
            _id(actor, "actor"),
            _id(engagement, "engagement"),
            _version(version),
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

    def report_engagement(self, actor: UserId, report: ReportId) -> EngagementId:
        """The id of the engagement a report belongs to, if ``actor`` may see
        it (NotFoundError otherwise)."""
        return EngagementId(self._call_id(
            "engsched_report_engagement", _id(actor, "actor"), _id(report, "report")
        ))
