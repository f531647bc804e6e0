"""Recurring series through the Python binding: recurrence_set and tick_ex."""

from __future__ import annotations

import datetime
from datetime import date
import unittest

from _fixture import DAY, T0, FixtureTestCase

from engsched import SYSTEM, DeniedError, InvalidError, Status, TickReport


class RecurrenceTest(FixtureTestCase):
    def test_yearly_series_creates_its_occurrence_once(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Annual audit", date(2026, 3, 15), date(2026, 3, 16))
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
        eid = f.request("Audit", date(2026, 3, 15), date(2026, 3, 16))
        with self.assertRaises(InvalidError):
            s.recurrence_set(f.manager, eid, "FREQ=HOURLY", version=None)
        with self.assertRaises(InvalidError):
            s.recurrence_set(f.manager, eid, "nonsense", version=None)
        with self.assertRaises(DeniedError):
            s.recurrence_set(f.viewer, eid, "FREQ=YEARLY", version=None)
        self.assertEqual(s.engagement(SYSTEM, eid).recurrence, "")

    def test_clear(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Audit", date(2026, 3, 15), date(2026, 3, 16))
        s.recurrence_set(f.manager, eid, "FREQ=MONTHLY", version=None)
        s.recurrence_set(f.manager, eid, None, version=None)
        self.assertEqual(s.engagement(SYSTEM, eid).recurrence, "")
        self.assertEqual(s.tick_ex(T0 + 100 * DAY).occurrences_created, 0)
        self.assertEqual(s.tick(T0 + 101 * DAY), 0)


class CloneTest(FixtureTestCase):
    def test_clone_copies_details_not_report(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Web test", date(2026, 3, 10), date(2026, 3, 12))
        s.recurrence_set(f.manager, eid, "FREQ=YEARLY", version=None)
        new = s.clone(f.client_user, eid, start=date(2026, 6, 1), end=date(2026, 6, 2))
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
        eid = f.request("Web test", date(2026, 3, 10), date(2026, 3, 12))
        with self.assertRaises(InvalidError):
            s.clone(f.manager, eid)


if __name__ == "__main__":
    unittest.main()
