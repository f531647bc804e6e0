"""Recurring series through the Python binding: recurrence_set and tick_ex."""

from __future__ import annotations

import datetime
import unittest

from _fixture import DAY, T0, FixtureTestCase

from engsched import SYSTEM, DeniedError, InvalidError, Status, TickReport


class RecurrenceTest(FixtureTestCase):
    def test_yearly_series_creates_its_occurrence_once(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Annual audit", "2026-03-15", "2026-03-16")
        s.recurrence_set(f.manager, eid, "FREQ=YEARLY", version=f.version(eid))
        series = s.engagement(SYSTEM, eid)
        self.assertEqual(series.recurrence, "FREQ=YEARLY")
        self.assertIsNone(series.origin)
        created = 0
        for day in range(0, 400, 5):
            report = s.tick_ex(T0 + day * DAY)
            self.assertIsInstance(report, TickReport)
            created += report.occurrences_created
        self.assertEqual(created, 1)
        occurrence = s.engagement(SYSTEM, eid + 1)
        self.assertEqual(occurrence.origin, eid)
        self.assertEqual(occurrence.recurrence, "")
        self.assertEqual(occurrence.start, datetime.date(2027, 3, 15))
        self.assertEqual(occurrence.end, datetime.date(2027, 3, 16))
        self.assertEqual(occurrence.status, Status.PENDING)
        self.assertEqual(occurrence.name, "Annual audit")

    def test_bad_rules_and_refusals(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Audit", "2026-03-15", "2026-03-16")
        with self.assertRaises(InvalidError):
            s.recurrence_set(f.manager, eid, "FREQ=HOURLY")
        with self.assertRaises(InvalidError):
            s.recurrence_set(f.manager, eid, "nonsense")
        with self.assertRaises(DeniedError):
            s.recurrence_set(f.viewer, eid, "FREQ=YEARLY")
        self.assertEqual(s.engagement(SYSTEM, eid).recurrence, "")

    def test_clear(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Audit", "2026-03-15", "2026-03-16")
        s.recurrence_set(f.manager, eid, "FREQ=MONTHLY")
        s.recurrence_set(f.manager, eid, None)
        self.assertEqual(s.engagement(SYSTEM, eid).recurrence, "")
        self.assertEqual(s.tick_ex(T0 + 100 * DAY).occurrences_created, 0)
        self.assertEqual(s.tick(T0 + 101 * DAY), 0)


class CloneTest(FixtureTestCase):
    def test_clone_copies_details_not_report(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Web test", "2026-03-10", "2026-03-12")
        s.recurrence_set(f.manager, eid, "FREQ=YEARLY")
        new = s.clone(f.client_user, eid, start="2026-06-01", end="2026-06-02")
        e = s.engagement(SYSTEM, new)
        self.assertEqual(e.name, "Web test")
        self.assertEqual(e.start, datetime.date(2026, 6, 1))
        self.assertEqual(e.status, Status.PENDING)
        self.assertEqual(e.recurrence, "")
        self.assertIsNone(e.report)
        both = s.clone(f.manager, eid, dates=True, recurrence=True)
        e = s.engagement(SYSTEM, both)
        self.assertEqual(e.start, datetime.date(2026, 3, 10))
        self.assertEqual(e.recurrence, "FREQ=YEARLY")

    def test_clone_needs_dates(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Web test", "2026-03-10", "2026-03-12")
        with self.assertRaises(InvalidError):
            s.clone(f.manager, eid)


if __name__ == "__main__":
    unittest.main()
