"""Skills of users and engagements, and the candidates of an engagement:
only users engsched_assign() accepts, out-of-sight work as Busy, a free
operator above a busy one, skills in the rank, bad tags refused."""

from __future__ import annotations

from datetime import date
import unittest

from _fixture import FixtureTestCase

from engsched import (
    SYSTEM,
    BuiltinRole,
    Candidate,
    DeniedError,
    InvalidError,
    NotFoundError,
    WorkKind,
)


class CandidatesTest(FixtureTestCase):
    def setUp(self) -> None:
        super().setUp()
        f, s = self.f, self.s
        self.lead = f.user("lead0", BuiltinRole.MANAGER)
        s.access_grant(self.lead, f.acme, actor=SYSTEM)
        self.target = s.create(f.manager, name="Target", client=f.acme, start=date(2026, 4, 6),
                               end=date(2026, 4, 10))
        self.secret = s.create(f.manager, name="Secret", client=f.globex, start=date(2026, 4, 7),
                               end=date(2026, 4, 8), operators=[f.operator1])

    def rows(self, actor: int) -> list[Candidate]:
        return list(self.s.candidates(actor, self.target))

    def test_only_eligible_users_ranked(self) -> None:
        f = self.f
        rows = self.rows(f.manager)
        users = {r.user for r in rows}
        self.assertEqual(users, {f.operator1, f.operator2, f.manager, f.admin, self.lead})
        self.assertEqual([r.rank for r in rows], list(range(1, len(rows) + 1)))
        by = {r.user: r for r in rows}
        self.assertLess(by[f.operator2].rank, by[f.operator1].rank)
        self.assertEqual(by[f.operator2].free_days, 5)
        self.assertEqual(by[f.operator1].free_days, 3)
        self.assertEqual(by[f.operator1].conflict_days, 2)
        self.assertFalse(by[f.operator1].assigned)

    def test_out_of_sight_work_is_busy(self) -> None:
        f = self.f
        by = {r.user: r for r in self.rows(self.lead)}
        (item,) = by[f.operator1].work
        self.assertEqual(item.kind, WorkKind.ENGAGEMENT)
        self.assertEqual(item.id, 0)
        self.assertEqual(item.label, "Busy")
        self.assertTrue(item.anonymous)
        (named,) = {r.user: r for r in self.rows(f.manager)}[f.operator1].work
        self.assertEqual(named.label, "Secret")

    def test_skills_join_the_rank(self) -> None:
        f, s = self.f, self.s
        s.required_skills_set(f.manager, self.target, ["linux", "web.app", "linux"], version=None)
        self.assertEqual(s.required_skills(f.manager, self.target), ("linux", "web.app"))
        s.user_skills_set(f.manager, f.operator1, ["web.app", "linux"])
        s.user_skills_set(f.operator2, f.operator2, ["linux"])
        self.assertEqual(s.user_skills(f.operator1, f.operator1), ("linux", "web.app"))
        rows = self.rows(f.manager)
        self.assertEqual(rows[0].user, f.operator1)
        self.assertEqual(rows[0].missing, 0)
        self.assertEqual(rows[1].user, f.operator2)
        self.assertEqual(rows[1].missing_tags, ("web.app",))
        s.user_skills_set(f.operator1, f.operator1, [])
        self.assertEqual(s.user_skills(f.operator1, f.operator1), ())

    def test_bad_input_and_refusals(self) -> None:
        f, s = self.f, self.s
        s.user_skills_set(f.operator1, f.operator1, ["linux"])
        for bad in (["Linux"], [""], ["a b"], ["x" * 65], [f"t{i}" for i in range(65)]):
            with self.assertRaises(InvalidError):
                s.user_skills_set(f.operator1, f.operator1, bad)
        with self.assertRaises(TypeError):
            s.user_skills_set(f.operator1, f.operator1, "linux")
        self.assertEqual(s.user_skills(f.operator1, f.operator1), ("linux",))
        with self.assertRaises(DeniedError):
            s.user_skills_set(f.operator2, f.operator1, ["linux"])
        with self.assertRaises(NotFoundError):
            list(s.candidates(f.manager, 987654))
        with self.assertRaises(DeniedError):
            list(s.candidates(f.viewer, self.target))
        with self.assertRaises(NotFoundError):
            list(s.candidates(f.outsider, self.target))


if __name__ == "__main__":
    unittest.main()
