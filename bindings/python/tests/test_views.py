"""List paging with tokens, the Calendar and Availability views, conflicts
(warn and strict) and unavailability."""

from __future__ import annotations

import datetime
from datetime import date
import unittest
from typing import List

from _fixture import Fixture, FixtureTestCase

from engsched import (
    SYSTEM,
    BuiltinRole,
    ConflictError,
    ConflictPolicy,
    DeniedError,
    ExistsError,
    InvalidError,
    NotFoundError,
    OperatorRole,
    Page,
    Row,
    RowIterator,
    Sort,
    Status,
    Tab,
    WorkKind,
)


class ListTest(FixtureTestCase):
    def setUp(self) -> None:
        super().setUp()
        f = self.f
        self.ids = [
            f.request(f"Engagement {i}", date(2026, 4, i + 1), date(2026, 4, i + 3))
            for i in range(7)
        ]

    def test_pages_follow_tokens(self) -> None:
        s, m = self.s, self.f.manager
        first = s.list(m, limit=3)
        self.assertIsInstance(first, Page)
        self.assertEqual([r.id for r in first], self.ids[:3])
        self.assertIsNotNone(first.next_token)
        second = s.list(m, limit=3, token=first.next_token)
        self.assertEqual([r.id for r in second.rows], self.ids[3:6])
        third = s.list(m, limit=3, token=second.next_token)
        self.assertEqual([r.id for r in third.rows], self.ids[6:])
        self.assertIsNone(third.next_token)
        row = first.rows[0]
        self.assertIsInstance(row, Row)
        self.assertEqual(row.name, "Engagement 0")
        self.assertEqual(row.start, datetime.date(2026, 4, 1))
        self.assertEqual(row.status, Status.PENDING)
        self.assertEqual(row.client, self.f.acme)

    def test_iter_list_walks_every_page(self) -> None:
        s, m = self.s, self.f.manager
        self.assertEqual([r.id for r in s.iter_list(m, limit=2)], self.ids)
        by_name = [r.name for r in s.iter_list(m, sort=Sort.NAME, descending=True, limit=3)]
        self.assertEqual(by_name, sorted(by_name, reverse=True))
        self.assertEqual([r.id for r in s.iter_list(m, statuses=iter([Status.PENDING]),
                                                    limit=2)], self.ids)

    def test_a_token_belongs_to_its_query(self) -> None:
        s, m = self.s, self.f.manager
        token = s.list(m, limit=3).next_token
        with self.assertRaises(InvalidError) as cm:
            s.list(m, limit=3, sort=Sort.NAME, token=token)
        self.assertIn("token", cm.exception.message)
        with self.assertRaises(InvalidError):
            s.list(self.f.viewer, limit=3, token=token)

    def test_filters_and_tabs(self) -> None:
        f, s, m = self.f, self.s, self.f.manager
        s.approve(m, self.ids[0], operators=[f.operator1], version=None)
        s.cancel(m, self.ids[1], reason="no", version=None)
        self.assertEqual([r.id for r in s.list(m, tab=Tab.PENDING)], self.ids[2:])
        self.assertEqual([r.id for r in s.list(m, tab=Tab.CANCELED)], [self.ids[1]])
        self.assertNotIn(self.ids[1], [r.id for r in s.list(m)])
        self.assertEqual([r.id for r in s.list(m, statuses=[Status.SCHEDULED,
                                                            Status.IN_PROGRESS])],
                         [self.ids[0]])
        self.assertEqual([r.id for r in s.list(m, statuses=Status.CANCELED)], [self.ids[1]])
        self.assertEqual([r.id for r in s.list(m, operator=f.operator1)], [self.ids[0]])
        self.assertEqual([r.id for r in s.list(m, text="ENGAGEMENT 6")], [self.ids[6]])
        self.assertEqual([r.id for r in s.list(m, start=date(2026, 4, 8), end=date(2026, 4, 30))],
                         self.ids[5:])
        self.assertEqual(len(s.list(m, client=f.globex)), 0)
        with self.assertRaises(ValueError):
            s.list(m, tab=Tab.ALL, statuses=[Status.PENDING])
        with self.assertRaises(ValueError):
            s.list(m, start=date(2026, 4, 1))
        with self.assertRaises(InvalidError):
            s.list(m, statuses=[])
        with self.assertRaises(InvalidError):
            s.list(m, limit=501)

    def test_calendar_streams_rows_by_start(self) -> None:
        f, s = self.f, self.s
        f.request("Globex thing", date(2026, 3, 30), date(2026, 4, 2), client=f.globex,
                  actor=f.manager)
        rows = s.calendar(f.manager, date(2026, 4, 2), datetime.date(2026, 4, 4))
        self.assertIsInstance(rows, RowIterator)
        got = list(rows)
        self.assertEqual([r.name for r in got],
                         ["Globex thing", "Engagement 0", "Engagement 1", "Engagement 2",
                          "Engagement 3"])
        self.assertEqual([r.start for r in got], sorted(r.start for r in got))
        self.assertEqual(got[0].status.colour, Status.PENDING.colour)
        self.assertEqual(next(rows, None), None, "an exhausted cursor stays exhausted")
        # Only what the viewer may see.
        self.assertNotIn("Globex thing",
                         [r.name for r in s.calendar(f.viewer, date(2026, 4, 1), date(2026, 4, 30))])
        with self.assertRaises(InvalidError) as cm:
            s.calendar(f.manager, date(2026, 1, 1), date(2027, 6, 1))
        self.assertIn("range", cm.exception.message)
        nothing = s.role_create("Nothing", 0, actor=SYSTEM)
        nobody = s.user_upsert("nobody", "Nobody", nothing, email=None, all_clients=False,
                               actor=SYSTEM)
        with self.assertRaises(DeniedError):
            s.calendar(nobody, date(2026, 4, 1), date(2026, 4, 30))

    def test_calendar_as_a_context_manager_frees_early(self) -> None:
        s, m = self.s, self.f.manager
        with s.calendar(m, date(2026, 4, 1), date(2026, 4, 30)) as rows:
            self.assertEqual(next(rows).id, self.ids[0])
        self.assertIsNone(next(rows, None))
        self.assertEqual(s._resources, {})


class StaffingTest(FixtureTestCase):
    def setUp(self) -> None:
        super().setUp()
        f = self.f
        self.a = f.s.create(f.manager, name="A", client=f.acme, start=date(2026, 5, 4),
                            end=date(2026, 5, 8), operators=[(f.operator1, OperatorRole.LEAD)])
        self.b = f.s.create(f.manager, name="B", client=f.acme, start=date(2026, 5, 6),
                            end=date(2026, 5, 12))

    def test_warn_assigns_and_returns_the_overlaps(self) -> None:
        f, s = self.f, self.s
        leave = s.unavailability_add(f.operator1, f.operator1, date(2026, 5, 11), date(2026, 5, 11),
                                     "Dentist")
        preview = s.operator_conflicts(f.manager, self.b, f.operator1)
        conflicts = s.assign(f.manager, self.b, f.operator1, OperatorRole.TESTER, version=None)
        self.assertEqual(conflicts, preview)
        kinds = {(w.kind, w.id) for w in conflicts}
        self.assertEqual(kinds, {(WorkKind.ENGAGEMENT, self.a), (WorkKind.UNAVAILABLE, leave)})
        work = {w.kind: w for w in conflicts}
        self.assertEqual(work[WorkKind.ENGAGEMENT].label, "A")
        self.assertEqual(work[WorkKind.ENGAGEMENT].status, Status.SCHEDULED)
        self.assertIsNone(work[WorkKind.UNAVAILABLE].status)
        self.assertEqual(work[WorkKind.UNAVAILABLE].label, "Dentist")
        self.assertEqual(work[WorkKind.UNAVAILABLE].start, datetime.date(2026, 5, 11))
        self.assertIn(f.operator1, s.engagement(f.manager, self.b).operator_ids)
        self.assertEqual(s.assign(f.manager, self.b, f.operator2, version=None), [])
        with self.assertRaises(ExistsError):
            s.assign(f.manager, self.b, f.operator1, version=None)
        with self.assertRaises(InvalidError) as cm:
            s.assign(f.manager, self.b, f.viewer, version=None)
        self.assertIn("operator", cm.exception.message)
        s.unassign(f.manager, self.b, f.operator1, version=None)
        self.assertNotIn(f.operator1, s.engagement(f.manager, self.b).operator_ids)
        with self.assertRaises(NotFoundError):
            s.unassign(f.manager, self.b, f.operator1, version=None)

    def test_strict_tenant_setting_refuses(self) -> None:
        f, s = self.f, self.s
        s.setting_set("conflict_policy", "strict", actor=SYSTEM)
        before = s.engagement(SYSTEM, self.b)
        with self.assertRaises(ConflictError) as cm:
            s.assign(f.manager, self.b, f.operator1, version=None)
        self.assertTrue(cm.exception.message)
        self.assertEqual(s.engagement(SYSTEM, self.b), before)
        self.assertEqual(s.assign(f.manager, self.b, f.operator2, version=None), [])

    def test_moving_dates_checks_the_operators(self) -> None:
        f, s = self.f, self.s
        c = s.create(f.manager, name="C", client=f.acme, start=date(2026, 5, 18), end=date(2026, 5, 22),
                     operators=[(f.operator1, OperatorRole.LEAD)])
        s.setting_set("conflict_policy", "strict", actor=SYSTEM)
        before = s.engagement(SYSTEM, c)
        with self.assertRaises(ConflictError) as cm:
            s.edit(f.manager, c, f.version(c), start=date(2026, 5, 7), end=date(2026, 5, 9))
        self.assertIn("strict", cm.exception.message)
        self.assertEqual(s.engagement(SYSTEM, c), before)
        self.assertEqual(s.edit(f.manager, c, f.version(c), name="C, renamed"), [])
        s.setting_set("conflict_policy", "warn", actor=SYSTEM)
        overlaps = s.edit(f.manager, c, f.version(c), start=date(2026, 5, 7), end=date(2026, 5, 9))
        self.assertEqual([(w.id, w.user) for w in overlaps], [(self.a, f.operator1)])
        self.assertEqual(s.engagement(SYSTEM, c).start, datetime.date(2026, 5, 7))

    def test_partial_allocation_and_holds(self) -> None:
        f, s = self.f, self.s
        s.setting_set("conflict_policy", "strict", actor=SYSTEM)
        # A (4-8 May) has operator1 full-time: half of B fits only as a hold.
        self.assertEqual(s.assignment_update(f.manager, self.a, f.operator1, version=None,
                                             start=None, end=None, percent=50, tentative=False),
                         [])
        conflicts = s.assign(f.manager, self.b, f.operator1, start=date(2026, 5, 6),
                             end=date(2026, 5, 8), percent=60, tentative=True, version=None)
        self.assertEqual([(w.id, w.percent, w.tentative) for w in conflicts],
                         [(self.a, 50, False)])
        op = s.engagement(f.manager, self.b).operators[0]
        self.assertEqual((op.window_start, op.window_end, op.percent, op.tentative),
                         (datetime.date(2026, 5, 6), datetime.date(2026, 5, 8), 60, True))
        with self.assertRaises(ConflictError):
            s.hold_confirm(f.manager, self.b, f.operator1, version=None)
        s.assignment_update(f.manager, self.b, f.operator1, start=date(2026, 5, 6),
                            end=date(2026, 5, 8), percent=50, tentative=True, version=None)
        self.assertEqual(s.hold_confirm(f.manager, self.b, f.operator1, version=None), [])
        self.assertFalse(s.engagement(f.manager, self.b).operators[0].tentative)
        with self.assertRaises(InvalidError):
            s.assign(f.manager, self.b, f.operator2, percent=150, version=None)
        rows = {r.user: r for r in s.availability(f.manager, date(2026, 5, 4), date(2026, 5, 8))}
        self.assertAlmostEqual(rows[f.operator1].utilisation, (5 * 50 + 3 * 50) / 500)
        self.assertAlmostEqual(rows[f.operator1].load_with_holds,
                               rows[f.operator1].utilisation)

    def test_stale_version_is_a_conflict(self) -> None:
        f, s = self.f, self.s
        with self.assertRaises(ConflictError):
            s.assign(f.manager, self.b, f.operator2, version=f.version(self.b) + 5)


class StrictHandleTest(unittest.TestCase):
    def test_strict_handle_option_overrides_the_tenant(self) -> None:
        for policy in (ConflictPolicy.STRICT, "strict"):
            with self.subTest(policy=policy):
                f = Fixture(conflict_policy=policy)
                self.addCleanup(f.close)
                s = f.s
                self.assertEqual(s.setting_get("conflict_policy"), "warn")
                s.create(f.manager, name="A", client=f.acme, start=date(2026, 5, 4),
                         end=date(2026, 5, 8), operators=[f.operator1])
                b = s.create(f.manager, name="B", client=f.acme, start=date(2026, 5, 8),
                             end=date(2026, 5, 9))
                with self.assertRaises(ConflictError):
                    s.assign(f.manager, b, f.operator1, version=None)
                self.assertEqual(s.engagement(f.manager, b).operators, ())
        with self.assertRaises(ValueError):
            Fixture(conflict_policy="sometimes")


class AvailabilityTest(FixtureTestCase):
    def test_operators_with_their_work_and_busy_blocks(self) -> None:
        f, s = self.f, self.s
        acme_job = s.create(f.manager, name="Acme job", client=f.acme, start=date(2026, 6, 1),
                            end=date(2026, 6, 5), operators=[f.operator1])
        leave = s.unavailability_add(f.manager, f.operator1, date(2026, 6, 8), date(2026, 6, 9),
                                     "Training")
        rows = {r.user: r for r in s.availability(f.manager, date(2026, 6, 1), date(2026, 6, 12))}
        self.assertIn(f.operator1, rows)
        op1 = rows[f.operator1]
        self.assertEqual(op1.name, "Operator1")
        self.assertEqual([(w.kind, w.id) for w in op1.work],
                         [(WorkKind.ENGAGEMENT, acme_job), (WorkKind.UNAVAILABLE, leave)])
        self.assertGreater(op1.utilisation, 0)
        self.assertLessEqual(op1.utilisation, 1)
        self.assertEqual(rows[f.operator2].work, ())

        # A Globex-only manager sees operator1 (they share Globex) but the
        # Acme engagement only as an anonymous Busy block.
        globex_manager = s.user_upsert("gm", "GM", BuiltinRole.MANAGER, email=None,
                                       all_clients=False, actor=SYSTEM)
        s.access_grant(globex_manager, f.globex, actor=SYSTEM)
        seen = {r.user: r for r in s.availability(globex_manager, date(2026, 6, 1),
                                                  date(2026, 6, 12))}
        self.assertNotIn(f.operator2, seen)
        busy = [w for w in seen[f.operator1].work if w.kind == WorkKind.ENGAGEMENT]
        self.assertEqual(len(busy), 1)
        self.assertTrue(busy[0].anonymous)
        self.assertEqual((busy[0].id, busy[0].label), (0, "Busy"))

        with self.assertRaises(DeniedError):
            s.availability(f.viewer, date(2026, 6, 1), date(2026, 6, 12))
        with self.assertRaises(InvalidError):
            s.availability(f.manager, date(2026, 6, 12), date(2026, 6, 1))

    def test_unavailability_add_list_remove(self) -> None:
        f, s = self.f, self.s
        uid = s.unavailability_add(f.operator1, f.operator1, datetime.date(2026, 7, 1),
                                   date(2026, 7, 14), "Annual leave")
        items = s.unavailability_list(f.operator1, f.operator1, date(2026, 7, 1), date(2026, 7, 31))
        self.assertEqual([(w.id, w.kind, w.label) for w in items],
                         [(uid, WorkKind.UNAVAILABLE, "Annual leave")])
        with self.assertRaises(DeniedError):
            s.unavailability_add(f.operator2, f.operator1, date(2026, 8, 1), date(2026, 8, 2), "x")
        with self.assertRaises(DeniedError):
            s.unavailability_remove(f.operator2, uid)
        s.unavailability_remove(f.operator1, uid)
        self.assertEqual(s.unavailability_list(f.manager, f.operator1, date(2026, 7, 1),
                                               date(2026, 7, 31)), [])
        with self.assertRaises(NotFoundError):
            s.unavailability_remove(f.operator1, uid)

    def test_availability_tabs(self) -> None:
        f, s = self.f, self.s
        a = s.create(f.manager, name="A", client=f.acme, start=date(2026, 5, 4), end=date(2026, 5, 8),
                     operators=[f.operator1])
        pending = s.request(f.manager, name="P", client=f.acme, start=date(2026, 5, 18),
                            end=date(2026, 5, 19))
        s.assign(f.manager, pending, f.operator1, version=None)

        def shown(tab: int) -> List[int]:
            rows = [r for r in s.availability(f.manager, date(2026, 5, 1), date(2026, 5, 31), tab=tab)
                    if r.user == f.operator1]
            return sorted(w.id for w in rows[0].work if w.kind == WorkKind.ENGAGEMENT)

        self.assertEqual(shown(Tab.ALL), sorted([a, pending]))
        self.assertEqual(shown(Tab.PENDING), [pending])
        self.assertEqual(shown(Tab.SCHEDULED), [a])
        self.assertEqual(shown(Tab.COMPLETE), [])
        with self.assertRaises(InvalidError):
            list(s.availability(f.manager, date(2026, 5, 1), date(2026, 5, 31), tab=42))


if __name__ == "__main__":
    unittest.main()
