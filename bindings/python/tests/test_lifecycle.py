"""The whole engagement lifecycle through the Python binding."""

from __future__ import annotations

import datetime
from datetime import date
import io
import unittest

from _fixture import DAY, T0, FixtureTestCase, utc

from engsched import (
    SYSTEM,
    Action,
    ConflictError,
    DeniedError,
    InvalidError,
    MisuseError,
    NotFoundError,
    OperatorRole,
    ReportStatus,
    StateError,
    Status,
)

SCOPE = b"Scope: *.acme.example\nOut of scope: production DB"
LETTER = b"%PDF-1.7 authorisation letter"


class LifecycleTest(FixtureTestCase):
    def test_whole_story(self) -> None:
        f, s = self.f, self.s
        # Auckland is UTC+13 in March: its day starts at 11:00 UTC the day before.
        s.setting_set("timezone", "Pacific/Auckland", actor=f.admin)

        eid = s.request(
            f.client_user,
            name="Q2 external web test",
            client=f.acme,
            description="External black-box test of the web estate",
            type="Web application",
            location="Remote",
            contacts="Jane Doe <jane@acme.example>",
            start=date(2026, 3, 10),
            end=datetime.date(2026, 3, 20),
            custom_fields={"po": "4711", "retest": False},
            files=[
                ("scope.txt", "text/plain", SCOPE),
                ("authorisation.pdf", "application/pdf", io.BytesIO(LETTER)),
            ],
        )
        self.assertEqual(f.status(eid), Status.PENDING)
        files = s.files(f.client_user, eid)
        self.assertEqual([x.name for x in files], ["scope.txt", "authorisation.pdf"])
        self.assertEqual(files[1].media_type, "application/pdf")
        self.assertEqual(files[1].size, len(LETTER))
        self.assertEqual(files[0].uploaded_by, f.client_user)
        self.assertEqual(s.read_file(f.client_user, files[1].id), LETTER)

        s.approve(
            f.manager,
            eid,
            version=f.version(eid),
            report_title="Acme Q2 external web report",
            start=date(2026, 3, 11),
            end=date(2026, 3, 20),
            operators=[(f.operator1, OperatorRole.LEAD), (f.operator2, OperatorRole.TESTER)],
        )
        e = s.engagement(f.manager, eid)
        self.assertEqual(e.status, Status.SCHEDULED)
        self.assertEqual(e.report_status, ReportStatus.DRAFT)
        self.assertEqual(e.report_title, "Acme Q2 external web report")
        self.assertEqual(e.start, datetime.date(2026, 3, 11))
        self.assertEqual(e.end, datetime.date(2026, 3, 20))
        self.assertEqual(e.custom_fields, {"po": "4711", "retest": False})
        self.assertEqual(e.type, "Web application")
        self.assertEqual(e.requested_by, f.client_user)
        self.assertEqual(e.created_at, T0)
        self.assertEqual(e.operator_ids, [f.operator1, f.operator2])
        self.assertEqual(e.operators[0].role, OperatorRole.LEAD)
        self.assertEqual(e.operators[1].role, OperatorRole.TESTER)
        self.assertEqual(e.operators[0].assigned_by, f.manager)
        self.assertIsNotNone(e.report)
        report = e.report

        # The clock callback drives tick(): 10:59:59Z is still the 10th in Auckland.
        f.now = utc(1773140399)
        self.assertEqual(s.tick(), 0)
        self.assertEqual(f.status(eid), Status.SCHEDULED)
        # 11:00:00Z is the 11th in Auckland while UTC says the 10th.
        f.now = utc(1773140400)
        self.assertEqual(s.tick(), 1)
        self.assertEqual(f.status(eid), Status.IN_PROGRESS)
        self.assertEqual(s.tick(), 0, "tick is idempotent")
        self.assertEqual(s.tick(f.now + datetime.timedelta(hours=1)), 0)

        # The operator submits; the manager reviews, approves and publishes.
        s.report_set_status(f.operator1, eid, ReportStatus.READY_FOR_REVIEW, version=None)
        self.assertEqual(f.status(eid), Status.IN_REVIEW)
        s.report_set_status(f.manager, eid, ReportStatus.IN_REVIEW, version=None)
        s.report_set_status(f.manager, eid, ReportStatus.APPROVED, version=f.version(eid))
        self.assertEqual(f.status(eid), Status.IN_REVIEW)
        s.report_set_status(f.manager, eid, ReportStatus.PUBLISHED, version=None)
        self.assertEqual(f.status(eid), Status.COMPLETE)
        self.assertEqual(s.engagement(f.viewer, eid).report_status, ReportStatus.PUBLISHED)

        # Complete is not cancellable, and the refusal changes nothing.
        before = (s.engagement(SYSTEM, eid), s.events_last_seq())
        with self.assertRaises(StateError) as cm:
            s.cancel(f.manager, eid, reason="too late", version=None)
        self.assertIn("Complete", cm.exception.message)
        self.assertEqual(cm.exception.code_name, "ENGSCHED_ESTATE")
        self.assertEqual((s.engagement(SYSTEM, eid), s.events_last_seq()), before)

        # Another request is cancelled while Pending, with a reason.
        other = f.request("Phishing exercise", date(2026, 4, 1), date(2026, 4, 3))
        s.cancel(f.manager, other, version=f.version(other), reason="Budget cut")
        o = s.engagement(f.client_user, other)
        self.assertEqual(o.status, Status.CANCELED)
        self.assertEqual(o.cancel_reason, "Budget cut")
        with self.assertRaises(StateError):
            s.approve(f.manager, other, version=None)
        with self.assertRaises(StateError):
            s.cancel(f.manager, other, version=None)

        self.assertEqual(s.report_engagement(f.manager, report), eid)

        trail = [ev["action"] for ev in s.events(f.manager, eid)]
        expected = ["engagement.requested", "file.attached", "engagement.approved",
                    "operator.assigned", "engagement.started", "engagement.in_review",
                    "engagement.completed"]
        positions = [trail.index(a) for a in expected]
        self.assertEqual(positions, sorted(positions), trail)

    def test_create_directly_in_the_past_starts_in_progress(self) -> None:
        f, s = self.f, self.s
        eid = s.create(
            f.manager, name="Red team", client=f.globex, start=date(2026, 2, 20), end=date(2026, 3, 5),
            operators=[(f.operator1, OperatorRole.LEAD)],
        )
        self.assertEqual(f.status(eid), Status.IN_PROGRESS)
        # Moving the dates into the future moves it back to Scheduled.
        s.edit(f.manager, eid, f.version(eid), start=date(2026, 5, 1), end=date(2026, 5, 10))
        self.assertEqual(f.status(eid), Status.SCHEDULED)
        f.now = T0 + 90 * DAY
        s.report_set_status(f.operator1, eid, ReportStatus.READY_FOR_REVIEW, version=None)
        s.report_set_status(f.operator1, eid, ReportStatus.DRAFT, version=None)
        self.assertEqual(f.status(eid), Status.IN_PROGRESS)

    def test_edit_changes_only_the_given_fields_and_checks_the_version(self) -> None:
        f, s = self.f, self.s
        eid = s.request(f.client_user, name="Audit", client=f.acme, start=date(2026, 4, 1),
                        end=date(2026, 4, 2), description="old", location="Berlin")
        v1 = f.version(eid)
        s.edit(f.manager, eid, v1, description="new", custom_fields='{"k": 1}')
        e = s.engagement(f.manager, eid)
        self.assertEqual((e.name, e.description, e.location), ("Audit", "new", "Berlin"))
        self.assertEqual(e.custom_fields, {"k": 1})
        self.assertGreater(e.version, v1)
        with self.assertRaises(ConflictError) as cm:
            s.edit(f.manager, eid, v1, name="Stale")
        self.assertIn("version", cm.exception.message)
        self.assertEqual(s.engagement(f.manager, eid).name, "Audit")
        s.edit(f.manager, eid, e.version, location="")
        self.assertEqual(s.engagement(f.manager, eid).location, "")
        with self.assertRaises(InvalidError) as cm2:
            s.edit(f.manager, eid, e.version + 1, start=date(2026, 4, 5), end=date(2026, 4, 1))
        self.assertTrue(cm2.exception.message)

    def test_invalid_fields_name_the_field(self) -> None:
        f, s = self.f, self.s
        cases = {
            "name": dict(name="", client=f.acme, start=date(2026, 4, 1), end=date(2026, 4, 2)),
            "custom_fields": dict(name="x", client=f.acme, start=date(2026, 4, 1),
                                  end=date(2026, 4, 2), custom_fields="[1]"),
        }
        for field, kwargs in cases.items():
            with self.subTest(field=field):
                with self.assertRaises(InvalidError) as cm:
                    s.request(f.client_user, **kwargs)
                self.assertTrue(cm.exception.message.startswith(field), cm.exception.message)
                self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(InvalidError) as cm:
            s.request(f.client_user, name="x", client=f.acme, start=date(2026, 4, 5),
                      end=date(2026, 4, 2))
        self.assertTrue(cm.exception.message.startswith("end"), cm.exception.message)

    def test_capabilities_follow_status_and_permissions(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Caps", date(2026, 4, 1), date(2026, 4, 2))
        manager = s.capabilities(f.manager, eid)
        self.assertIsInstance(manager, Action)
        self.assertIn(Action.APPROVE, manager)
        self.assertIn(Action.CANCEL, manager)
        self.assertEqual(s.capabilities(f.viewer, eid), Action.VIEW)
        s.approve(f.manager, eid, version=None)
        self.assertNotIn(Action.APPROVE, s.capabilities(f.manager, eid))

    def test_events_callback_receives_each_committed_event_as_json(self) -> None:
        f, s = self.f, self.s
        s.setting_set("organizer_email", "scheduling@example.com", actor=SYSTEM)
        seen = len(f.events)
        eid = f.request("Events", date(2026, 4, 1), date(2026, 4, 2))
        s.approve(f.manager, eid, operators=[f.operator1], version=None)
        new = f.events[seen:]
        self.assertTrue(all(isinstance(ev, dict) for ev in new))
        actions = [ev["action"] for ev in new]
        self.assertEqual(actions[0], "engagement.requested")
        self.assertIn("engagement.approved", actions)
        self.assertIn("operator.assigned", actions)
        self.assertEqual([ev["seq"] for ev in new], sorted(ev["seq"] for ev in new))
        self.assertEqual(new[-1]["seq"], s.events_last_seq())
        self.assertEqual(new[0]["engagement"], eid)
        self.assertEqual(new[0]["actor"], f.client_user)
        self.assertEqual(new[0]["status_after"], Status.PENDING.machine_name)
        self.assertEqual(utc(new[0]["time"]), T0)
        # The audit trail holds the same documents.
        trail = s.events(f.manager, eid)
        self.assertEqual(trail, [ev for ev in new if ev["engagement"] == eid])
        # A refused operation sends nothing.
        with self.assertRaises(StateError):
            s.approve(f.manager, eid, version=None)
        self.assertEqual(len(f.events), seen + len(new))

    def test_events_are_delivered_when_an_invitation_cannot_be_built(self) -> None:
        # No organizer_email: the invitation is not sent (the library logs
        # why), but the committed events still reach the callback, once.
        f, s = self.f, self.s
        eid = f.request("No organizer", date(2026, 4, 1), date(2026, 4, 2))
        seen = len(f.events)
        s.approve(f.manager, eid, operators=[f.operator1], version=None)
        self.assertEqual(f.mails, [])
        delivered = [ev["action"] for ev in f.events[seen:]]
        stored = [ev["action"] for ev in s.events(f.manager, eid)][1:]
        self.assertEqual(delivered, stored)
        self.assertIn("operator.assigned", delivered)

    def test_directory_upserts_are_keyed_by_the_host_key(self) -> None:
        f, s = self.f, self.s
        self.assertEqual(s.client_upsert("client-0", "Acme Corporation", actor=SYSTEM), f.acme)
        self.assertEqual(s.client_name(f.acme), "Acme Corporation")
        self.assertEqual(s.client_find("client-0"), f.acme)
        self.assertIsNone(s.client_find("no-such-client"))
        self.assertEqual(s.user_find("operator1"), f.operator1)
        self.assertIsNone(s.user_find("nobody"))
        self.assertGreater(s.schema_version, 0)


class BatchTest(FixtureTestCase):
    """engsched_batch_begin/commit/rollback and the ``with s.batch():`` helper."""

    def setUp(self) -> None:
        super().setUp()
        self.s.setting_set("organizer_email", "pmo@example.com", actor=self.f.admin)
        self.f.events.clear()

    def test_one_transaction_delivered_after_commit(self) -> None:
        f, s = self.f, self.s
        with s.batch() as batch:
            self.assertIs(batch, s)
            ids = [f.request(f"Batched {i}", date(2026, 4, 1), date(2026, 4, 2)) for i in range(20)]
            # A refused operation raises, changes nothing; the batch goes on.
            with self.assertRaises(DeniedError):
                f.request("Refused", date(2026, 4, 1), date(2026, 4, 2), actor=f.viewer)
            s.approve(f.manager, ids[0], operators=[(f.operator1, OperatorRole.LEAD)], version=None)
            ids.append(f.request("After the refusal", date(2026, 4, 1), date(2026, 4, 2)))
            self.assertEqual(f.status(ids[0]), Status.SCHEDULED)  # reads see the batch
            self.assertEqual((f.events, f.mails), ([], []))
        self.assertEqual(
            [e["action"] for e in f.events],
            ["engagement.requested"] * 20
            + ["engagement.approved", "operator.assigned", "engagement.requested"],
        )
        self.assertEqual([e["engagement"] for e in f.events if e["action"].endswith("requested")],
                         ids)
        self.assertEqual([m[0] for m in f.mails], ["operator1@example.com"])

    def test_an_exception_rolls_back(self) -> None:
        f, s = self.f, self.s
        with self.assertRaises(RuntimeError):
            with s.batch():
                eid = f.request("Given up", date(2026, 4, 1), date(2026, 4, 2))
                raise RuntimeError("the host gave up")
        self.assertEqual(f.events, [])
        with self.assertRaises(NotFoundError):
            s.engagement(SYSTEM, eid)

    def test_explicit_calls_and_misuse(self) -> None:
        f, s = self.f, self.s
        with self.assertRaises(MisuseError):
            s.batch_commit()
        s.batch_begin()
        with self.assertRaises(MisuseError) as cm:
            s.batch_begin()
        self.assertIn("already open", cm.exception.message)
        with self.assertRaises(MisuseError):
            s.tick(T0)
        eid = f.request("Rolled back", date(2026, 4, 1), date(2026, 4, 2))
        s.batch_rollback()
        with self.assertRaises(MisuseError):
            s.batch_rollback()
        with self.assertRaises(NotFoundError):
            s.engagement(SYSTEM, eid)
        self.assertEqual(f.events, [])


if __name__ == "__main__":
    unittest.main()
