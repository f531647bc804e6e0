"""Enumerations, flags and the pure functions of the C API."""

from __future__ import annotations

import datetime
import re
import unittest

import _fixture  # noqa: F401  (puts this checkout's package first on sys.path)

import engsched
from engsched import (
    PERMISSIONS_ALL,
    Action,
    BuiltinRole,
    InvalidError,
    Permission,
    ReportStatus,
    Status,
    Tab,
)


class StatusTest(unittest.TestCase):
    def test_labels_names_and_colours(self) -> None:
        labels = {s: s.label for s in Status}
        self.assertEqual(labels[Status.IN_PROGRESS], "In Progress")
        self.assertEqual(labels[Status.CANCELED], "Canceled")
        self.assertEqual(len(set(labels.values())), 6)
        for s in Status:
            with self.subTest(status=s):
                self.assertRegex(s.colour, r"^#[0-9a-fA-F]{6}$")
                self.assertEqual(Status.parse(s.machine_name), s)
                self.assertEqual(s.bit, 1 << s.value)
        self.assertEqual(Status.IN_PROGRESS.machine_name, "in_progress")
        self.assertEqual(len({s.colour for s in Status}), 6)
        with self.assertRaises(InvalidError):
            Status.parse("started")

    def test_report_statuses(self) -> None:
        self.assertEqual(ReportStatus.READY_FOR_REVIEW.label, "Ready for Review")
        self.assertEqual(ReportStatus.READY_FOR_REVIEW.machine_name, "ready_for_review")
        for r in ReportStatus:
            if r != ReportStatus.NONE:
                self.assertEqual(ReportStatus.parse(r.machine_name), r)
        with self.assertRaises(InvalidError):
            ReportStatus.parse("")

    def test_derive_is_the_mapping_of_the_design(self) -> None:
        d = Status.derive
        self.assertEqual(d(ReportStatus.NONE, False, False), Status.PENDING)
        self.assertEqual(d(ReportStatus.DRAFT, False, False), Status.SCHEDULED)
        self.assertEqual(d(ReportStatus.DRAFT, True, False), Status.IN_PROGRESS)
        for r in (ReportStatus.READY_FOR_REVIEW, ReportStatus.IN_REVIEW,
                  ReportStatus.APPROVED):
            self.assertEqual(d(r, True, False), Status.IN_REVIEW)
        self.assertEqual(d(ReportStatus.PUBLISHED, True, False), Status.COMPLETE)
        self.assertEqual(d(ReportStatus.DRAFT, True, True), Status.CANCELED)
        with self.assertRaises(ValueError):
            d(42, True, False)  # type: ignore[arg-type]

    def test_tabs(self) -> None:
        self.assertEqual(Tab.PENDING.statuses, {Status.PENDING})
        self.assertEqual(Tab.ALL.statuses, set(Status) - {Status.CANCELED})
        self.assertEqual(Tab.CANCELED.mask, Status.CANCELED.bit)


class PermissionTest(unittest.TestCase):
    def test_builtin_roles(self) -> None:
        self.assertEqual(BuiltinRole.ADMINISTRATOR.default_permissions, PERMISSIONS_ALL)
        self.assertEqual(BuiltinRole.MANAGER.default_permissions,
                         PERMISSIONS_ALL & ~Permission.ADMIN)
        self.assertEqual(BuiltinRole.VIEWER.default_permissions, Permission.VIEW)
        self.assertTrue(BuiltinRole.OPERATOR.default_permissions.is_operator)
        self.assertFalse(BuiltinRole.CLIENT.default_permissions.is_operator)

    def test_flags(self) -> None:
        p = Permission.VIEW | Permission.REPORT_EDIT
        self.assertIsInstance(p, Permission)
        self.assertEqual(p.machine_names, ["view", "report_edit"])
        self.assertEqual(Permission.VIEW_AVAILABILITY.machine_names, ["view_availability"])
        self.assertEqual(int(PERMISSIONS_ALL), 0x7FFF)
        self.assertIn(Action.VIEW, Action.VIEW | Action.EDIT)


class DatesTest(unittest.TestCase):
    def test_validate(self) -> None:
        self.assertTrue(engsched.is_valid_date("2026-02-28"))
        for bad in ("2026-02-29", "2026-2-1", "1899-12-31", "2026-01-01T00:00", "", "a\0"):
            with self.subTest(bad=bad):
                self.assertFalse(engsched.is_valid_date(bad))

    def test_date_in_zone(self) -> None:
        # 2026-03-10T11:00:00Z is already the 11th in Auckland.
        instant = datetime.datetime(2026, 3, 10, 11, tzinfo=datetime.timezone.utc)
        self.assertEqual(engsched.date_in_zone("Pacific/Auckland", instant),
                         datetime.date(2026, 3, 11))
        self.assertEqual(engsched.date_in_zone("UTC", instant), datetime.date(2026, 3, 10))
        aware = datetime.datetime(2026, 3, 10, 23, tzinfo=datetime.timezone.utc)
        self.assertEqual(engsched.date_in_zone("America/New_York", aware),
                         datetime.date(2026, 3, 10))
        with self.assertRaises(InvalidError):
            engsched.date_in_zone("Mars/Olympus_Mons", aware)

    def test_version_matches_the_package(self) -> None:
        self.assertTrue(re.match(r"^\d+\.\d+\.\d+", engsched.__version__))


if __name__ == "__main__":
    unittest.main()
