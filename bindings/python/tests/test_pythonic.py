"""The Pythonic surface: labels as str(), the log routed to logging, dates
and instants as datetime values, and no argument that silently decides."""

from __future__ import annotations

import datetime
import inspect
import logging
import unittest
from typing import Any, List, Tuple

from _fixture import T0, Fixture, FixtureTestCase

import engsched
from engsched import (
    OUTBOX_ALL,
    SYSTEM,
    Action,
    EngschedError,
    LogLevel,
    OutboxKind,
    OutboxState,
    Permission,
    ReportStatus,
    Response,
    Scheduler,
    Status,
)


class EnumStrTest(unittest.TestCase):
    def test_every_member_gives_the_library_label(self) -> None:
        expected = {
            Status: ["Pending", "Scheduled", "In Progress", "In Review", "Complete", "Canceled"],
            ReportStatus: ["None", "Draft", "Ready for Review", "In Review", "Approved",
                           "Published"],
            OutboxKind: ["mail", "event"],
            Response: ["none", "accepted", "declined", "tentative"],
            OutboxState: ["pending", "delivered", "dead", "undeliverable"],
        }
        for cls, labels in expected.items():
            members: List[Any] = list(cls)
            self.assertEqual([str(m) for m in members], labels, cls.__name__)
            self.assertEqual([f"{m}" for m in members], labels, cls.__name__)
        for s in Status:
            self.assertEqual(str(s), s.label)
        for r in ReportStatus:
            self.assertEqual(str(r), r.label)

    def test_flags_give_their_names_joined(self) -> None:
        self.assertEqual([str(p) for p in Permission], [p.machine_names[0] for p in Permission])
        self.assertEqual(str(Permission.VIEW), "view")
        self.assertEqual(str(Permission.VIEW | Permission.REPORT_EDIT), "view, report_edit")
        self.assertEqual(str(Permission(0)), "")
        self.assertEqual(Permission(0).machine_names, [])
        self.assertEqual([str(a) for a in Action],
                         ["view", "approve", "edit", "cancel", "assign", "files_upload",
                          "files_download", "files_delete", "report_view", "report_edit",
                          "report_review", "report_publish"])
        self.assertEqual(str(Action.VIEW | Action.FILES_UPLOAD), "view, files_upload")
        self.assertEqual(str(OUTBOX_ALL), "pending, delivered, dead, undeliverable")

    def test_repr_stays_informative(self) -> None:
        self.assertEqual(repr(Status.IN_REVIEW), "<Status.IN_REVIEW: 4>")
        self.assertIn("VIEW", repr(Permission.VIEW | Permission.EDIT))


class LoggingTest(unittest.TestCase):
    def provoke(self, s: Scheduler) -> None:
        with self.assertRaises(EngschedError):
            s.setting_set("no-such-key", "1", actor=SYSTEM)

    def test_library_log_goes_to_the_engsched_logger(self) -> None:
        # A refused invitation mail is a warning of the library's own.
        with self.assertLogs("engsched", level=logging.DEBUG) as cm:
            f = Fixture()
            try:
                f.s.setting_set("organizer_email", "scheduling@example.com", actor=SYSTEM)
                f.mail_result = False
                eid = f.request("Audit", datetime.date(2026, 4, 1), datetime.date(2026, 4, 2))
                f.s.approve(f.manager, eid, version=None, operators=[f.operator1])
            finally:
                f.close()
        hits = [r for r in cm.records if r.getMessage().startswith("outbox item ")]
        self.assertTrue(hits, cm.output)
        self.assertEqual({r.levelno for r in hits}, {logging.WARNING}, cm.output)
        self.assertTrue(all(r.name == "engsched" for r in cm.records))

    def test_error_codes_are_debug_lines(self) -> None:
        with self.assertLogs("engsched", level=logging.DEBUG) as cm:
            with Scheduler.open(":memory:", log_level=LogLevel.DEBUG) as s:
                self.provoke(s)
        hits = [r for r in cm.records if "no-such-key" in r.getMessage()]
        self.assertEqual([r.levelno for r in hits], [logging.DEBUG], cm.output)

    def test_log_level_follows_the_logger_at_open(self) -> None:
        logger = logging.getLogger("engsched")
        old = logger.level
        self.addCleanup(logger.setLevel, old)
        logger.setLevel(logging.CRITICAL)  # nothing the library says passes
        records: List[logging.LogRecord] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record)

        handler = Keep(level=logging.DEBUG)
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        with Scheduler.open(":memory:") as s:
            self.provoke(s)
        self.assertEqual(records, [])

    def test_on_log_still_takes_the_lines_instead(self) -> None:
        lines: List[Tuple[LogLevel, str]] = []
        with self.assertNoLogs("engsched", level=logging.DEBUG):
            with Scheduler.open(":memory:", on_log=lambda lvl, msg: lines.append((lvl, msg)),
                                log_level=LogLevel.DEBUG) as s:
                self.provoke(s)
        self.assertTrue(any("no-such-key" in msg for _, msg in lines), lines)


class DatesAndInstantsTest(FixtureTestCase):
    def test_models_carry_dates_and_aware_instants(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Audit", datetime.date(2026, 4, 1), datetime.date(2026, 4, 2))
        e = s.engagement(f.manager, eid)
        self.assertEqual((e.start, e.end), (datetime.date(2026, 4, 1), datetime.date(2026, 4, 2)))
        self.assertEqual(e.created_at, T0)
        self.assertEqual(e.created_at.utcoffset(), datetime.timedelta(0))
        (row,) = s.list(f.manager).rows
        self.assertEqual(row.updated_at, T0)
        self.assertIsNotNone(row.updated_at.tzinfo)

    def test_strings_and_datetimes_are_no_dates(self) -> None:
        f, s = self.f, self.s
        for bad in ("2026-04-01", datetime.datetime(2026, 4, 1, tzinfo=datetime.timezone.utc),
                    20260401):
            with self.subTest(bad=bad):
                with self.assertRaises(TypeError) as cm:
                    s.request(f.client_user, name="x", client=f.acme,
                              start=bad, end=datetime.date(2026, 4, 2))  # type: ignore[arg-type]
                self.assertIn("start", str(cm.exception))

    def test_instants_must_be_aware(self) -> None:
        s = self.s
        with self.assertRaises(ValueError) as cm:
            s.tick(datetime.datetime(2026, 4, 1))
        self.assertIn("naive", str(cm.exception))
        for bad in (1772366400, 1772366400.0, datetime.date(2026, 4, 1)):
            with self.subTest(bad=bad):
                with self.assertRaises(TypeError):
                    s.tick(bad)  # type: ignore[arg-type]
        # Any zone names the same instant.
        plus_one = datetime.timezone(datetime.timedelta(hours=1))
        self.assertEqual(s.tick(T0.astimezone(plus_one)), 0)

    def test_a_clock_returning_seconds_is_reported_not_trusted(self) -> None:
        import sys

        reported: List[Any] = []
        old = sys.unraisablehook
        sys.unraisablehook = reported.append
        try:
            seconds = lambda: 5  # noqa: E731  (UTC seconds, as clock() used to return)
            with Scheduler.open(":memory:", clock=seconds) as s:  # type: ignore[arg-type]
                s.client_upsert("k", "n", actor=SYSTEM)
        finally:
            sys.unraisablehook = old
        self.assertTrue(any(isinstance(r.exc_value, TypeError) for r in reported))


class RequiredArgumentsTest(unittest.TestCase):
    def test_no_parameter_defaults_to_the_system_or_hides_a_version(self) -> None:
        for name, method in inspect.getmembers(Scheduler, inspect.isfunction):
            if name.startswith("_"):
                continue
            for param in inspect.signature(method).parameters.values():
                with self.subTest(method=name, param=param.name):
                    if param.name in ("actor", "version", "item"):
                        self.assertIs(param.default, inspect.Parameter.empty)
                    if "UserId" in str(param.annotation):  # a filter may be None, never SYSTEM
                        self.assertIn(param.default, (inspect.Parameter.empty, None))

    def test_ids_are_reexported(self) -> None:
        for name in ("UserId", "ClientId", "EngagementId", "RoleId", "FileId", "ReportId",
                     "UnavailabilityId", "OutboxItemId"):
            self.assertIn(name, engsched.__all__)
            self.assertEqual(getattr(engsched, name)(7), 7)
        self.assertEqual(engsched.SYSTEM, 0)


if __name__ == "__main__":
    unittest.main()
