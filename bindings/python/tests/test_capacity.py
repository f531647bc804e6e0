"""Capacity in week and month buckets (capacity.h): operator rows with
their working, absent, firm, tentative, free and overbooked figures, total
rows that sum them and carry the demand nobody staffs, buckets cut to the
range, the tenant's working days only, and bad input and refusals."""

from __future__ import annotations

import datetime
from datetime import date
import unittest
from typing import Dict, List, Tuple

from _fixture import FixtureTestCase

from engsched import (
    CAPACITY_UNIT,
    SYSTEM,
    Bucket,
    BuiltinRole,
    CapacityIterator,
    CapacityMeasure,
    CapacityRow,
    DeniedError,
    InvalidError,
    NotFoundError,
)

D = datetime.date
WEEK1 = (D(2026, 6, 1), D(2026, 6, 7))
WEEK2 = (D(2026, 6, 8), D(2026, 6, 14))
DAY = CAPACITY_UNIT

#: the figures an operator row carries, in the order of CapacityMeasure
OPERATOR_FIGURES = ("working", "absent", "available", "firm", "tentative", "free", "overbooked")
DEMAND_FIGURES = ("demand", "unstaffed", "unstaffed_with_holds")


def figures(row: CapacityRow, names: Tuple[str, ...] = OPERATOR_FIGURES) -> Dict[str, int]:
    return {n: getattr(row, n) for n in names}


class CapacityTest(FixtureTestCase):
    """Two weeks of June 2026 (Monday 1st to Sunday 14th).

    Week 1: "Job" (Scheduled, 1-5 June) with operator1 firm on 1-3 June
    and operator2 at 50 % on 3-5 June: Thursday and Friday are half
    unstaffed. Week 2: "Hold" (Scheduled, 8-12 June) with operator2 held
    tentatively all week and operator1 firm at 50 % on 11-12 June, on
    leave on the 12th (so overbooked by half a day there).
    """

    def setUp(self) -> None:
        super().setUp()
        f, s = self.f, self.s
        self.job = s.create(f.manager, name="Job", client=f.acme, start=date(2026, 6, 1),
                            end=date(2026, 6, 5))
        s.assign(f.manager, self.job, f.operator1, version=None, start=date(2026, 6, 1),
                 end=date(2026, 6, 3))
        s.assign(f.manager, self.job, f.operator2, start=date(2026, 6, 3), end=date(2026, 6, 5),
                 percent=50, version=None)
        self.hold = s.create(f.manager, name="Hold", client=f.acme, start=date(2026, 6, 8),
                             end=date(2026, 6, 12))
        s.assign(f.manager, self.hold, f.operator2, tentative=True, version=None)
        s.unavailability_add(f.manager, f.operator1, date(2026, 6, 12), date(2026, 6, 12), "Leave")
        s.assign(f.manager, self.hold, f.operator1, start=date(2026, 6, 11), end=date(2026, 6, 12),
                 percent=50, version=None)

    def rows(self, actor: int = 0, start: str = date(2026, 6, 1), end: str = date(2026, 6, 14),
             **kwargs: object) -> List[CapacityRow]:
        it = self.s.capacity(actor or self.f.manager, start, end, **kwargs)  # type: ignore[arg-type]
        self.assertIsInstance(it, CapacityIterator)
        return list(it)

    @staticmethod
    def by_user(rows: List[CapacityRow]) -> Dict[Tuple[int, D], CapacityRow]:
        return {(r.user, r.start): r for r in rows}

    def test_operator_rows(self) -> None:
        f = self.f
        rows = self.by_user(self.rows())
        op1, op2 = f.operator1, f.operator2
        self.assertEqual(rows[op1, WEEK1[0]].name, "Operator1")
        self.assertEqual((rows[op1, WEEK1[0]].start, rows[op1, WEEK1[0]].end), WEEK1)
        self.assertEqual((rows[op1, WEEK2[0]].start, rows[op1, WEEK2[0]].end), WEEK2)
        self.assertFalse(rows[op1, WEEK1[0]].is_total)
        self.assertEqual(figures(rows[op1, WEEK1[0]]), dict(
            working=5 * DAY, absent=0, available=5 * DAY, firm=3 * DAY, tentative=0,
            free=2 * DAY, overbooked=0))
        self.assertEqual(figures(rows[op2, WEEK1[0]]), dict(
            working=5 * DAY, absent=0, available=5 * DAY, firm=150, tentative=0,
            free=350, overbooked=0))
        # Week 2: the leave takes Friday (and counts a whole day against the
        # firm half day there); the hold fills operator2's week.
        self.assertEqual(figures(rows[op1, WEEK2[0]]), dict(
            working=5 * DAY, absent=DAY, available=4 * DAY, firm=50, tentative=0,
            free=350, overbooked=50))
        self.assertEqual(figures(rows[op2, WEEK2[0]]), dict(
            working=5 * DAY, absent=0, available=5 * DAY, firm=0, tentative=5 * DAY,
            free=0, overbooked=0))
        for r in (r for r in rows.values() if not r.is_total):
            self.assertEqual(figures(r, DEMAND_FIGURES), dict.fromkeys(DEMAND_FIGURES, 0))
            self.assertEqual(r.figure(CapacityMeasure.FREE), r.free)

    def test_totals_sum_the_operators_and_carry_the_demand(self) -> None:
        rows = self.rows()
        operators = [r for r in rows if not r.is_total]
        totals = [r for r in rows if r.is_total]
        self.assertEqual([(t.start, t.end) for t in totals], [WEEK1, WEEK2])
        self.assertEqual(rows[-len(totals):], totals)  # the totals come last
        for t in totals:
            self.assertEqual((t.user, t.name), (0, None))
            mine = [r for r in operators if r.start == t.start]
            self.assertGreaterEqual(len(mine), 2)
            for name in OPERATOR_FIGURES:
                self.assertEqual(getattr(t, name), sum(getattr(r, name) for r in mine), name)
        week1, week2 = totals
        self.assertEqual(figures(week1, DEMAND_FIGURES),
                         dict(demand=5 * DAY, unstaffed=DAY, unstaffed_with_holds=DAY))
        self.assertEqual(figures(week2, DEMAND_FIGURES),
                         dict(demand=5 * DAY, unstaffed=4 * DAY, unstaffed_with_holds=0))
        self.assertEqual(week2.figure(CapacityMeasure.UNSTAFFED_WITH_HOLDS), 0)

        alone = self.rows(per_operator=False)
        self.assertEqual(alone, totals)

    def test_operators_in_name_order_then_buckets_in_date_order(self) -> None:
        rows = [r for r in self.rows() if not r.is_total]
        names = [r.name for r in rows[::2]]
        self.assertEqual(names, sorted(names, key=lambda n: n or ""))
        self.assertEqual(len(set(names)), len(names))
        for first, second in zip(rows[::2], rows[1::2]):
            self.assertEqual((first.user, first.start, second.user, second.start),
                             (second.user, WEEK1[0], first.user, WEEK2[0]))

    def test_month_buckets_and_cut_buckets(self) -> None:
        f = self.f
        totals = [r for r in self.rows(start=date(2026, 5, 25), end=date(2026, 6, 14),
                                       bucket=Bucket.MONTH) if r.is_total]
        self.assertEqual([(t.start, t.end) for t in totals],
                         [(D(2026, 5, 25), D(2026, 5, 31)), (D(2026, 6, 1), D(2026, 6, 14))])
        self.assertEqual(totals[0].demand, 0)
        self.assertEqual(figures(totals[1], DEMAND_FIGURES),
                         dict(demand=10 * DAY, unstaffed=5 * DAY, unstaffed_with_holds=DAY))
        june = {r.user: r for r in self.rows(start=date(2026, 5, 25), end=date(2026, 6, 14),
                                             bucket=Bucket.MONTH)
                if r.start == D(2026, 6, 1)}
        self.assertEqual(figures(june[f.operator1]), dict(
            working=10 * DAY, absent=DAY, available=9 * DAY, firm=350, tentative=0,
            free=550, overbooked=50))
        # Weeks are cut to the range too: Wednesday to Tuesday.
        cut = [r for r in self.rows(start=date(2026, 6, 3), end=date(2026, 6, 9)) if r.is_total]
        self.assertEqual([(t.start, t.end) for t in cut],
                         [(D(2026, 6, 3), D(2026, 6, 7)), (D(2026, 6, 8), D(2026, 6, 9))])
        self.assertEqual([t.demand for t in cut], [3 * DAY, 2 * DAY])

    def test_working_days_only(self) -> None:
        f, s = self.f, self.s
        s.setting_set("holidays", "2026-06-02", actor=SYSTEM)
        rows = self.by_user(self.rows(start=date(2026, 6, 1), end=date(2026, 6, 7)))
        self.assertEqual(figures(rows[f.operator1, WEEK1[0]]), dict(
            working=4 * DAY, absent=0, available=4 * DAY, firm=2 * DAY, tentative=0,
            free=2 * DAY, overbooked=0))
        self.assertEqual(rows[0, WEEK1[0]].demand, 4 * DAY)
        # A weekend alone counts nothing.
        for r in self.rows(start=date(2026, 6, 6), end=date(2026, 6, 7)):
            self.assertEqual(figures(r, OPERATOR_FIGURES + DEMAND_FIGURES),
                             dict.fromkeys(OPERATOR_FIGURES + DEMAND_FIGURES, 0))

    def test_out_of_sight_work_loads_but_demand_is_in_scope(self) -> None:
        f, s = self.f, self.s
        globex_manager = s.user_upsert("gm", "GM", BuiltinRole.MANAGER, email=None,
                                       all_clients=False, actor=SYSTEM)
        s.access_grant(globex_manager, f.globex, actor=SYSTEM)
        rows = self.by_user(self.rows(globex_manager))
        self.assertNotIn((f.operator2, WEEK1[0]), rows)  # no client in common
        self.assertEqual(rows[f.operator1, WEEK1[0]].firm, 3 * DAY)  # Acme work still loads
        self.assertEqual([rows[0, w[0]].demand for w in (WEEK1, WEEK2)], [0, 0])

    def test_bad_input_and_refusals(self) -> None:
        f, s = self.f, self.s
        with self.assertRaises(InvalidError):
            s.capacity(f.manager, date(2026, 6, 14), date(2026, 6, 1))
        with self.assertRaises(InvalidError):
            s.capacity(f.manager, date(2026, 6, 1), date(2026, 6, 14), bucket=2)
        with self.assertRaises(InvalidError):
            s.capacity(f.manager, date(2026, 1, 1), date(2027, 1, 2))  # past RANGE_MAX_DAYS
        with self.assertRaises(TypeError):
            s.capacity(f.manager, date(2026, 6, 1), date(2026, 6, 14), bucket="week")  # type: ignore[arg-type]
        with self.assertRaises(DeniedError):
            s.capacity(f.viewer, date(2026, 6, 1), date(2026, 6, 14))
        with self.assertRaises(DeniedError):
            s.capacity(f.client_user, date(2026, 6, 1), date(2026, 6, 14), bucket=Bucket.MONTH)
        with self.assertRaises(NotFoundError):
            s.capacity(987654, date(2026, 6, 1), date(2026, 6, 14))

    def test_stream_closes_and_dates_as_date_objects(self) -> None:
        f, s = self.f, self.s
        with s.capacity(f.manager, D(2026, 6, 1), D(2026, 6, 14),
                        per_operator=False) as it:
            first = next(it)
        self.assertEqual((first.start, first.end), WEEK1)
        self.assertEqual(list(it), [])  # closed by the with block
        self.assertEqual([m.value for m in CapacityMeasure], list(range(10)))
        self.assertEqual((Bucket.WEEK, Bucket.MONTH), (0, 1))


if __name__ == "__main__":
    unittest.main()
