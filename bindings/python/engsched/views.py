"""Reading engagements: snapshots, capabilities, the audit trail, and the
List, Calendar, Availability and capacity views.

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import ctypes
import datetime
import json
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Union,
)

from . import _lib
from ._args import (
    _id,
    _date,
    _int,
    _opt_text,
    _str,
    _uint,
)
from .enums import (
    Status,
    Action,
    Bucket,
    Sort,
    Tab,
)
from .errors import error_for
from .models import (
    Engagement,
    Page,
    Row,
)
from ._core import _Core
from ._copy import _copy_engagement, _copy_row
from .iterators import AvailabilityIterator, CapacityIterator, RowIterator
from .ids import ClientId, EngagementId, UserId

__all__ = ["ViewsMixin"]


class ViewsMixin(_Core):
    """Snapshots and views; part of :class:`~engsched.Scheduler`."""

    # --- snapshots and capabilities -----------------------------------------

    def engagement(self, actor: UserId, engagement: EngagementId) -> Engagement:
        """A snapshot of one engagement as ``actor`` may see it (VIEW and
        access to its client): an immutable copy, not updated by later
        changes. NotFoundError when there is none *or* the actor may not
        see it, so that ids of other clients leak nothing."""
        actor, engagement = _id(actor, "actor"), _id(engagement, "engagement")
        lib = self._lib
        snap = _lib.SnapshotP()
        with self._handle() as db:
            self._check(db, lib.engsched_engagement_get(db, actor, engagement,
                                                        ctypes.byref(snap)))
            try:
                return _copy_engagement(lib, snap)
            finally:
                lib.engsched_engagement_free(snap)

    def capabilities(self, actor: UserId, engagement: EngagementId) -> Action:
        """The actions ``actor`` may take on the engagement now, from their
        permissions and its status together; ``Action.VIEW`` alone means
        view only. NotFoundError as :meth:`engagement`."""
        out = ctypes.c_uint()
        self._call(
            "engsched_capabilities", _id(actor, "actor"), _id(engagement, "engagement"),
            ctypes.byref(out),
        )
        return Action(out.value)

    # --- events ---------------------------------------------------------------

    def events(self, actor: UserId, engagement: EngagementId) -> List[Dict[str, Any]]:
        """The engagement's audit trail (VIEW): its event documents as
        dicts, oldest first (docs/events.md; ``time`` in UTC seconds)."""
        text = self._call_string(
            "engsched_events_json", _id(actor, "actor"), _id(engagement, "engagement")
        )
        result = json.loads(text) if text else []
        return list(result)

    # --- List, Calendar, Availability -------------------------------------

    def _query(
        self,
        db: Any,
        *,
        statuses: Union[None, Status, Iterable[Status]],
        tab: Optional[Tab],
        client: Optional[ClientId],
        operator: Optional[UserId],
        start: Optional[datetime.date],
        end: Optional[datetime.date],
        text: Optional[str],
        sort: Sort = Sort.START,
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
        client_id = None if client is None else _id(client, "client")
        operator_id = None if operator is None else _id(operator, "operator")
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
        actor: UserId,
        *,
        statuses: Union[None, Status, Iterable[Status]] = None,
        tab: Optional[Tab] = None,
        client: Optional[ClientId] = None,
        operator: Optional[UserId] = None,
        start: Optional[datetime.date] = None,
        end: Optional[datetime.date] = None,
        text: Optional[str] = None,
        sort: Sort = Sort.START,
        descending: bool = False,
        limit: Optional[int] = None,
        token: Optional[str] = None,
    ) -> Page:
        """One page of the List view (VIEW): at most ``limit`` rows (at most
        :data:`PAGE_MAX`) of what ``actor`` may see, read as one snapshot.
        Filters: ``statuses`` or ``tab`` (not both), ``client``,
        ``operator``, a ``start``/``end`` range (both or neither), ``text``.
        Pass ``page.next_token`` as ``token`` (with the same filters) for
        the next page; InvalidError for a token of another query, store or
        user."""
        actor = _id(actor, "actor")
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
        actor: UserId,
        *,
        statuses: Union[None, Status, Iterable[Status]] = None,
        tab: Optional[Tab] = None,
        client: Optional[ClientId] = None,
        operator: Optional[UserId] = None,
        start: Optional[datetime.date] = None,
        end: Optional[datetime.date] = None,
        text: Optional[str] = None,
        sort: Sort = Sort.START,
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

    def _follow_pages(self, actor: UserId, page: Page, kwargs: Dict[str, Any]) -> Iterator[Row]:
        while True:
            yield from page.rows
            if page.next_token is None:
                return
            page = self.list(actor, token=page.next_token, **kwargs)

    def calendar(
        self,
        actor: UserId,
        start: datetime.date,
        end: datetime.date,
        *,
        statuses: Union[None, Status, Iterable[Status]] = None,
        tab: Optional[Tab] = None,
        client: Optional[ClientId] = None,
        operator: Optional[UserId] = None,
        text: Optional[str] = None,
    ) -> "RowIterator":
        """The Calendar view (VIEW): every engagement ``actor`` may see
        overlapping the range (at most :data:`RANGE_MAX_DAYS` days), by
        start date, streamed without a page limit. The stream is one
        snapshot: BusyError from the iterator once a change was committed
        since it began."""
        actor = _id(actor, "actor")
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

    def availability(self, actor: UserId, start: datetime.date, end: datetime.date, *,
                     tab: Tab = Tab.ALL) -> "AvailabilityIterator":
        """The Availability view: operators with their work in the range, streamed.

        ``tab`` filters the engagements shown as the List's tabs do; out-of-sight
        "Busy" blocks show on every tab, and utilisation counts all work."""
        args = (_id(actor, "actor"), _date(start, "start"), _date(end, "end"))
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

    def capacity(self, actor: UserId, start: datetime.date, end: datetime.date, *,
                 bucket: Bucket = Bucket.WEEK, per_operator: bool = True) -> "CapacityIterator":
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
        args = (_id(actor, "actor"), _date(start, "start"), _date(end, "end"))
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
