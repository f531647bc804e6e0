"""Staffing: operators on engagements, unavailability, skills and candidates.

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import ctypes
import datetime
from typing import (
    Any,
    Iterable,
    List,
    Optional,
    Tuple,
)

from . import _lib
from ._args import _date, _id, _int, _opt_date, _text, _version
from .enums import OperatorRole
from .errors import error_for
from .models import WorkItem
from ._core import _Core
from ._copy import _copy_tags, _copy_work
from .iterators import CandidatesIterator
from .ids import EngagementId, UnavailabilityId, UserId

__all__ = ["StaffingMixin"]


class StaffingMixin(_Core):
    """Staffing operations; part of :class:`~engsched.Scheduler`."""

    # --- operators and unavailability -------------------------------------

    def _work_list(self, db: Any, name: str, *args: Any) -> List[WorkItem]:
        lib = self._lib
        lst = _lib.WorkListP()
        self._check(db, getattr(lib, name)(db, *args, ctypes.byref(lst)))
        try:
            return _copy_work(lib, lst)
        finally:
            lib.engsched_work_list_free(lst)

    def _assign_options(self, start: Optional[datetime.date], end: Optional[datetime.date],
                        percent: int, tentative: bool) -> Any:
        opts = _lib.AssignOptions()
        rc = self._lib.engsched_assign_options_init(ctypes.byref(opts),
                                                    _lib.ASSIGN_OPTIONS_VERSION)
        if rc != 0:
            raise error_for(rc, "assign options: unsupported version")
        opts.start = _opt_date(start, "start")
        opts.end = _opt_date(end, "end")
        opts.percent = _int(percent, "percent", -(1 << 31), (1 << 31) - 1)
        opts.tentative = 1 if tentative else 0
        return opts

    def assign(
        self,
        actor: UserId,
        engagement: EngagementId,
        user: UserId,
        role: OperatorRole = OperatorRole.NONE,
        *,
        version: Optional[int],
        start: Optional[datetime.date] = None,
        end: Optional[datetime.date] = None,
        percent: int = 0,
        tentative: bool = False,
    ) -> List[WorkItem]:
        """Assign an operator (ASSIGN) with their role on the engagement; they
        are sent an invitation. Returns the overlapping work under the warn
        policy (ConflictError under strict; nothing changes then).
        ``version``: the engagement version seen, or None not to check.

        ``start``/``end`` narrow it to a window of the engagement's dates,
        ``percent`` (1-100, 0 for the whole day) is the share of each day and
        ``tentative`` makes it a hold (never a conflict; confirm it with
        :meth:`hold_confirm`). A day conflicts only when the operator's firm
        load passes 100 %."""
        args = (_id(actor, "actor"), _id(engagement, "engagement"), _version(version),
                _id(user, "user"), _int(role, "role", -(1 << 31), (1 << 31) - 1))
        opts = self._assign_options(start, end, percent, tentative)
        with self._handle() as db:
            return self._work_list(db, "engsched_assign_ex", *args, ctypes.byref(opts))

    def assignment_update(
        self,
        actor: UserId,
        engagement: EngagementId,
        user: UserId,
        *,
        version: Optional[int],
        start: Optional[datetime.date],
        end: Optional[datetime.date],
        percent: int,
        tentative: bool,
    ) -> List[WorkItem]:
        """Set an assigned operator's window, share and hold (checked as
        :meth:`assign` checks); returns the conflicts.

        Every field is required: the update replaces all four, so None
        dates mean the whole engagement, ``percent`` 0 the whole day and
        ``tentative=False`` a firm assignment."""
        args = (_id(actor, "actor"), _id(engagement, "engagement"), _version(version),
                _id(user, "user"))
        opts = self._assign_options(start, end, percent, tentative)
        with self._handle() as db:
            return self._work_list(db, "engsched_assignment_update", *args, ctypes.byref(opts))

    def hold_confirm(self, actor: UserId, engagement: EngagementId, user: UserId, *,
                     version: Optional[int]) -> List[WorkItem]:
        """Confirm a tentative hold: checked again (ConflictError under the
        strict policy) and the invitation sent again; returns the conflicts.
        StateError if the assignment is no hold."""
        args = (_id(actor, "actor"), _id(engagement, "engagement"), _version(version),
                _id(user, "user"))
        with self._handle() as db:
            return self._work_list(db, "engsched_hold_confirm", *args)

    def unassign(
        self, actor: UserId, engagement: EngagementId, user: UserId, *, version: Optional[int]
    ) -> None:
        """Remove an operator from an engagement (ASSIGN); their invitation is
        cancelled. NotFoundError if they are not assigned."""
        self._call(
            "engsched_unassign", _id(actor, "actor"), _id(engagement, "engagement"),
            _version(version), _id(user, "user"),
        )

    def operator_conflicts(
        self, actor: UserId, engagement: EngagementId, user: UserId
    ) -> List[WorkItem]:
        """The work assigning ``user`` would overlap, without assigning;
        work on clients ``actor`` cannot see comes as "Busy" dates only."""
        args = (_id(actor, "actor"), _id(engagement, "engagement"), _id(user, "user"))
        with self._handle() as db:
            return self._work_list(db, "engsched_operator_conflicts", *args)

    def unavailability_add(
        self, actor: UserId, user: UserId, start: datetime.date, end: datetime.date, reason: str
    ) -> UnavailabilityId:
        """Record dates (inclusive) a user cannot work, with a reason shown
        to those who may see it; returns the id. The user themself, or an
        actor with ASSIGN over them."""
        return UnavailabilityId(self._call_id(
            "engsched_unavailability_add",
            _id(actor, "actor"),
            _id(user, "user"),
            _date(start, "start"),
            _date(end, "end"),
            _text(reason, "reason"),
        ))

    def unavailability_list(
        self, actor: UserId, user: UserId, start: datetime.date, end: datetime.date
    ) -> List[WorkItem]:
        """A user's unavailability overlapping a range (inclusive), as
        :class:`WorkItem` of kind UNAVAILABLE."""
        args = (_id(actor, "actor"), _id(user, "user"), _date(start, "start"),
                _date(end, "end"))
        with self._handle() as db:
            return self._work_list(db, "engsched_unavailability_list", *args)

    def unavailability_remove(self, actor: UserId, unavailability: UnavailabilityId) -> None:
        """Remove recorded unavailability; NotFoundError if there is none."""
        self._call(
            "engsched_unavailability_remove", _id(actor, "actor"),
            _id(unavailability, "unavailability"),
        )

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

    def user_skills_set(self, actor: UserId, user: UserId, tags: Iterable[str]) -> None:
        """Replace a user's skills (their own, or anyone's in sight with ASSIGN)."""
        array, n = self._tags_in(tags)
        self._call("engsched_user_skills_set", _id(actor, "actor"), _id(user, "user"), array, n)

    def user_skills(self, actor: UserId, user: UserId) -> Tuple[str, ...]:
        """A user's skills (tags), sorted; visible as the user is."""
        return self._tags_out("engsched_user_skills", _id(actor, "actor"), _id(user, "user"))

    def required_skills_set(
        self, actor: UserId, engagement: EngagementId, tags: Iterable[str], *, version: Optional[int]
    ) -> None:
        """Replace the skills an engagement requires (EDIT or ASSIGN); raises
        its version. ``version``: the one seen, or None not to check."""
        array, n = self._tags_in(tags)
        self._call(
            "engsched_required_skills_set", _id(actor, "actor"),
            _id(engagement, "engagement"), _version(version), array, n,
        )

    def required_skills(self, actor: UserId, engagement: EngagementId) -> Tuple[str, ...]:
        """The skills an engagement requires, sorted."""
        return self._tags_out(
            "engsched_required_skills", _id(actor, "actor"), _id(engagement, "engagement")
        )

    def candidates(self, actor: UserId, engagement: EngagementId) -> "CandidatesIterator":
        """Every operator who may be assigned to ``engagement``, best first
        (ASSIGN): fewer missing required skills first, then more free
        working days, fewer conflict days, display name and id. Streamed,
        each with their work on the dates (out-of-sight work as "Busy")."""
        args = (_id(actor, "actor"), _id(engagement, "engagement"))
        lib = self._lib
        c = _lib.CandidatesP()
        with self._handle() as db:
            self._check(db, lib.engsched_candidates_open(db, *args, ctypes.byref(c)))
            return CandidatesIterator(self, self._own(c, lib.engsched_candidates_free))
