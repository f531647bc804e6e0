"""Engagement JSON, export and import. Skipped, naming the function, while
the loaded library does not implement them yet."""

from __future__ import annotations

from datetime import date
import json
import unittest

from _fixture import Fixture, FixtureTestCase, requires

from engsched import SYSTEM, BuiltinRole, DeniedError, InvalidError, NotFoundError, Scheduler, Status


@requires("engsched_engagement_json")
class EngagementJsonTest(FixtureTestCase):
    def test_one_engagement_as_json(self) -> None:
        f, s = self.f, self.s
        eid = s.request(f.client_user, name="Json test", client=f.acme, start=date(2026, 4, 1),
                        end=date(2026, 4, 2), custom_fields={"po": "4711"})
        text = s.engagement_json(f.manager, eid)
        self.assertIsInstance(text, str)
        doc = json.loads(text)
        self.assertIsInstance(doc, dict)
        self.assertIn("Json test", text)
        self.assertIn("4711", text)
        with self.assertRaises(NotFoundError):
            s.engagement_json(f.outsider, eid)


@requires("engsched_export_json", "engsched_import_json")
class ExportImportTest(FixtureTestCase):
    def test_export_imports_into_a_fresh_store(self) -> None:
        f, s = self.f, self.s
        a = s.request(f.client_user, name="Exported one", client=f.acme, start=date(2026, 4, 1),
                      end=date(2026, 4, 2), files=[("scope.txt", "text/plain", b"scope")])
        s.approve(f.manager, a, operators=[f.operator1], version=None)
        f.request("Exported two", date(2026, 4, 5), date(2026, 4, 6))
        # An administrator's export carries the directory an empty store needs.
        document = s.export_json(f.admin)
        self.assertIsInstance(json.loads(document), dict)

        with Scheduler.open(":memory:") as fresh:
            self.assertEqual(fresh.import_json(document, actor=SYSTEM), 2)
            everything = [st for st in Status]
            names = sorted(r.name for r in fresh.iter_list(SYSTEM, statuses=everything))
            self.assertEqual(names, ["Exported one", "Exported two"])
        with Scheduler.open(":memory:") as fresh:
            self.assertEqual(fresh.import_json(json.loads(document), actor=SYSTEM), 2)

    def test_import_is_validated_and_all_or_nothing(self) -> None:
        s = self.s
        before = s.events_last_seq()
        with self.assertRaises(InvalidError) as cm:
            s.import_json('{"not": "closed"', actor=SYSTEM)
        self.assertTrue(cm.exception.message)
        self.assertEqual(s.events_last_seq(), before)
        other = Fixture()
        self.addCleanup(other.close)
        other.request("Theirs", date(2026, 4, 1), date(2026, 4, 2))
        document = other.s.export_json(other.admin)
        with Scheduler.open(":memory:") as fresh:
            manager = fresh.user_upsert(
                "m", "M", BuiltinRole.MANAGER, all_clients=True, actor=SYSTEM, email=None
            )
            seq = fresh.events_last_seq()
            with self.assertRaises(DeniedError):
                fresh.import_json(document, actor=manager)
            self.assertEqual(fresh.events_last_seq(), seq)
            self.assertIsNone(fresh.client_find("client-0"))

if __name__ == "__main__":
    unittest.main()
