"""The outbox from Python: delivery on commit to on_mail and
on_event_delivery, refusals and retries, dead and undeliverable items and
their re-queue, explicit delivery, signed event documents, the event
stream, purge, permissions and bad input (include/engsched/delivery.h)."""

from __future__ import annotations

import datetime
from datetime import date
import hashlib
import hmac
import json
import sys
import unittest
from typing import Any, Dict, List

from _fixture import DAY, SECOND, Fixture, FixtureTestCase, requires

import engsched
from engsched import (
    OUTBOX_ALL,
    SYSTEM,
    DeliveryMode,
    DeliveryResult,
    DeniedError,
    InvalidError,
    MisuseError,
    NotFoundError,
    OperatorRole,
    OutboxItem,
    OutboxKind,
    OutboxState,
    Scheduler,
    StateError,
    Status,
    StreamEvent,
)

ORGANIZER = "scheduling@example.com"
PENDING, DELIVERED = OutboxState.PENDING, OutboxState.DELIVERED
DEAD, UNDELIVERABLE = OutboxState.DEAD, OutboxState.UNDELIVERABLE


class OutboxCase(FixtureTestCase):
    """A fixture whose events go to on_event_delivery, with an organizer."""

    fixture_options: Dict[str, Any] = {"event_delivery": True}

    def setUp(self) -> None:
        super().setUp()
        self.s.setting_set("organizer_email", ORGANIZER, actor=SYSTEM)

    def approved_with_two(self, name: str = "Web test") -> int:
        f = self.f
        eid = f.request(name, date(2026, 4, 6), date(2026, 4, 10))
        self.s.approve(f.manager, eid, operators=[(f.operator1, OperatorRole.LEAD),
                                                  (f.operator2, OperatorRole.TESTER)], version=None)
        return eid

    def count(self, states: int) -> int:
        return self.s.outbox_count(self.f.admin, states)


@requires("engsched_deliver", "engsched_outbox_list_get", "engsched_event_stream")
class DeliveryOnCommitTest(OutboxCase):
    def test_commit_delivers_mail_and_events(self) -> None:
        f, s = self.f, self.s
        before = len(f.deliveries)
        self.approved_with_two()
        self.assertEqual(sorted(r for r, _ in f.mails),
                         ["operator1@example.com", "operator2@example.com"])
        self.assertIn(b"Message-ID: <", f.mails[0][1])
        new = f.deliveries[before:]
        self.assertGreaterEqual(len(new), 2)  # the request and the approval at least
        for seq, document, signature in f.deliveries:
            self.assertIsInstance(document, str)
            self.assertEqual(json.loads(document)["seq"], seq)  # the idempotency key
            self.assertIsNone(signature)  # no webhook_secret
        seqs = [seq for seq, _, _ in f.deliveries]
        self.assertEqual(seqs, sorted(set(seqs)))
        self.assertEqual(seqs[-1], s.events_last_seq())
        self.assertEqual(s.undeliverable_count, 0)
        self.assertEqual(self.count(PENDING), 0)
        self.assertEqual(self.count(DELIVERED), len(f.mails) + len(f.deliveries))
        # Nothing is left to hand over again.
        self.assertEqual(s.deliver(), DeliveryResult(0, 0, 0))
        self.assertEqual(len(f.mails), 2)

    def test_delivered_items_are_listed_with_every_field(self) -> None:
        f, s = self.f, self.s
        eid = self.approved_with_two()
        items = s.outbox(f.admin, DELIVERED, limit=1000)
        self.assertTrue(all(isinstance(i, OutboxItem) for i in items))
        self.assertEqual([i.id for i in items], sorted(i.id for i in items))
        mail = [i for i in items if i.kind == OutboxKind.MAIL]
        self.assertEqual(sorted(i.recipient for i in mail),
                         ["operator1@example.com", "operator2@example.com"])
        for item in mail:
            self.assertIs(item.state, DELIVERED)
            self.assertEqual(item.engagement, eid)
            self.assertIn(item.user, (f.operator1, f.operator2))
            self.assertIsNone(item.event_seq)
            self.assertEqual((item.attempts, item.reason), (0, ""))
            self.assertEqual(item.created_at, f.now)
        events = [i for i in items if i.kind == OutboxKind.EVENT]
        self.assertEqual(sorted(i.event_seq for i in events),
                         [seq for seq, _, _ in f.deliveries])
        self.assertTrue(all(i.user is None and i.recipient == "" for i in events))
        # Paging by id: after= the last id of a page gives the next one.
        first = s.outbox(f.admin, DELIVERED, limit=2)
        second = s.outbox(f.admin, DELIVERED, after=first[-1].id, limit=2)
        self.assertEqual(first + second, items[:4])

    def test_the_old_on_event_callback_still_gets_every_event(self) -> None:
        f = Fixture()
        self.addCleanup(f.close)
        self.assertTrue(f.events)
        self.assertEqual([e["seq"] for e in f.events],
                         list(range(1, f.s.events_last_seq() + 1)))
        self.assertEqual(f.s.outbox_count(f.admin, PENDING), 0)


@requires("engsched_deliver", "engsched_outbox_list_get")
class RefusalTest(OutboxCase):
    def test_a_refused_mail_is_delivered_later_with_the_same_bytes(self) -> None:
        f, s = self.f, self.s
        f.mail_result = False
        self.approved_with_two()
        refused = dict(f.mails)
        self.assertEqual(len(refused), 2)
        pending = s.outbox(f.admin, PENDING)
        self.assertEqual(len(pending), 2)
        self.assertTrue(all(i.kind == OutboxKind.MAIL and i.attempts == 1 for i in pending))
        self.assertTrue(all(i.next_attempt_at > f.now for i in pending))
        # Retries wait for their time.
        self.assertEqual(s.deliver(), DeliveryResult(0, 0, 0))
        self.assertEqual(len(f.mails), 2)
        f.mail_result = None
        f.now += 7 * DAY  # the clock moved: Date and DTSTAMP must not
        self.assertEqual(s.deliver(), DeliveryResult(2, 0, 0))
        self.assertEqual(dict(f.mails[2:]), refused)
        self.assertEqual(self.count(PENDING), 0)

    def test_dead_after_max_attempts_then_requeued(self) -> None:
        f, s = self.f, self.s
        s.setting_set("delivery_max_attempts", "3", actor=SYSTEM)
        f.mail_result = False
        eid = self.approved_with_two()
        retrying = dead = 0
        for _ in range(6):
            f.now += DAY + SECOND
            result = s.deliver()
            retrying += result.retrying
            dead += result.dead
        self.assertEqual((retrying, dead), (2, 2))
        self.assertEqual(len(f.mails), 6)  # three attempts each, then no more
        items = s.outbox(f.admin, DEAD)
        self.assertEqual(len(items), 2)
        first = items[0]
        self.assertEqual((first.kind, first.state, first.attempts), (OutboxKind.MAIL, DEAD, 3))
        self.assertEqual((first.engagement, first.user), (eid, f.operator1))
        self.assertEqual(first.recipient, "operator1@example.com")
        self.assertIn("refused", first.reason)
        # Only an administrator re-queues.
        with self.assertRaises(DeniedError):
            s.outbox_requeue(f.manager, first.id)
        f.mail_result = None
        self.assertEqual(s.outbox_requeue(f.admin, first.id), 1)
        self.assertEqual(len(f.mails), 7)  # delivered on the re-queue's commit
        self.assertEqual(s.outbox_requeue(f.admin, None), 1)  # every dead one: the other
        self.assertEqual(len(f.mails), 8)
        self.assertEqual(self.count(DEAD), 0)
        with self.assertRaises(StateError):
            s.outbox_requeue(f.admin, first.id)  # delivered now
        with self.assertRaises(NotFoundError):
            s.outbox_requeue(f.admin, 99999)

    def test_an_event_callback_returning_false_refuses(self) -> None:
        f, s = self.f, self.s
        f.delivery_result = False
        f.request("Refused event", date(2026, 4, 6), date(2026, 4, 10))
        seq = s.events_last_seq()
        pending = s.outbox(f.admin, PENDING)
        self.assertEqual([(i.kind, i.event_seq) for i in pending], [(OutboxKind.EVENT, seq)])
        f.delivery_result = None
        f.now += DAY
        self.assertEqual(s.deliver(), DeliveryResult(1, 0, 0))
        self.assertEqual([d[0] for d in f.deliveries[-2:]], [seq, seq])

    def test_an_exception_in_the_event_callback_refuses_and_is_reported(self) -> None:
        f, s = self.f, self.s
        reported: List[Any] = []
        old = sys.unraisablehook
        sys.unraisablehook = reported.append
        try:
            f.delivery_error = RuntimeError("webhook down")
            eid = f.request("Raising receiver", date(2026, 4, 6), date(2026, 4, 10))
        finally:
            sys.unraisablehook = old
        # The change stands; the exception reached the hook, not the caller.
        self.assertEqual(f.status(eid), Status.PENDING)
        self.assertEqual([str(r.exc_value) for r in reported], ["webhook down"])
        self.assertIsInstance(reported[0].exc_value, RuntimeError)
        seq = s.events_last_seq()
        pending = s.outbox(f.admin, PENDING)
        self.assertEqual([i.event_seq for i in pending], [seq])
        self.assertEqual(pending[0].attempts, 1)
        f.delivery_error = None
        f.now += DAY
        self.assertEqual(s.deliver().delivered, 1)
        self.assertEqual(f.deliveries[-1][0], seq)
        self.assertEqual(self.count(PENDING), 0)

    def test_callbacks_may_not_use_the_scheduler(self) -> None:
        errors: List[BaseException] = []
        holder: Dict[str, Scheduler] = {}

        def on_event_delivery(seq: int, document: str, signature: Any) -> None:
            for call in (holder["s"].deliver, lambda: holder["s"].undeliverable_count):
                try:
                    call()
                except MisuseError as exc:
                    errors.append(exc)

        with Scheduler.open(":memory:", on_event_delivery=on_event_delivery) as s:
            holder["s"] = s
            s.client_upsert("k", "n", actor=SYSTEM)
            self.assertEqual(len(errors), 2)
            self.assertEqual(s.deliver(), DeliveryResult(0, 0, 0))


@requires("engsched_deliver", "engsched_outbox_list_get", "engsched_undeliverable_count")
class UndeliverableTest(OutboxCase):
    def test_missing_organizer_is_undeliverable_until_requeued(self) -> None:
        f, s = self.f, self.s
        s.setting_set("organizer_email", "", actor=SYSTEM)
        eid = self.approved_with_two("No organizer")
        self.assertEqual(s.undeliverable_count, 2)
        self.assertEqual(f.status(eid), Status.SCHEDULED)  # the approval stands
        self.assertEqual(f.mails, [])
        items = list(s.outbox_items(f.admin, UNDELIVERABLE))
        self.assertEqual(len(items), 2)
        for item in items:
            self.assertEqual((item.kind, item.state), (OutboxKind.MAIL, UNDELIVERABLE))
            self.assertEqual(item.engagement, eid)
            self.assertIn("organizer_email", item.reason)
        self.assertEqual({i.user for i in items}, {f.operator1, f.operator2})
        # ... and an event says so, for a webhook.
        actions = [json.loads(d)["action"] for _, d, _ in f.deliveries]
        self.assertIn("invitation.undeliverable", actions)
        # The count is the last write's: the next call clears it.
        s.events_last_seq()
        self.assertEqual(s.undeliverable_count, 0)
        s.setting_set("organizer_email", ORGANIZER, actor=SYSTEM)
        self.assertEqual(s.outbox_requeue(f.admin, None), 2)
        self.assertEqual(sorted(r for r, _ in f.mails),
                         ["operator1@example.com", "operator2@example.com"])
        self.assertIn(ORGANIZER.encode(), f.mails[0][1])
        self.assertEqual(self.count(UNDELIVERABLE), 0)
        self.assertEqual(self.count(PENDING), 0)

    def test_the_system_actor_may_list_and_requeue(self) -> None:
        s = self.s
        s.setting_set("organizer_email", "", actor=SYSTEM)
        self.approved_with_two()
        self.assertEqual(len(s.outbox(SYSTEM, UNDELIVERABLE)), 2)
        self.assertEqual(s.outbox_count(SYSTEM, [DEAD, UNDELIVERABLE]), 2)
        self.assertEqual(s.outbox_requeue(SYSTEM, None), 0)  # still no organizer
        self.assertEqual(self.count(UNDELIVERABLE), 2)


@requires("engsched_deliver", "engsched_outbox_list_get")
class ExplicitDeliveryTest(OutboxCase):
    fixture_options = {"event_delivery": True, "delivery": "explicit"}

    def test_only_deliver_delivers(self) -> None:
        f, s = self.f, self.s
        self.approved_with_two()
        self.assertEqual((f.mails, f.deliveries), ([], []))
        pending = self.count(PENDING)
        self.assertGreaterEqual(pending, 4)
        # Every pending item, page by page, in id order.
        items = list(s.outbox_items(f.admin, page_size=3))
        self.assertEqual(len(items), pending)
        self.assertEqual(items, s.outbox(f.admin, PENDING, limit=1000))
        self.assertEqual([i.id for i in items], sorted({i.id for i in items}))
        self.assertEqual(s.deliver(limit=1), DeliveryResult(1, 0, 0))
        self.assertEqual(s.deliver(), DeliveryResult(pending - 1, 0, 0))
        self.assertEqual(len(f.mails), 2)
        self.assertEqual(self.count(PENDING), 0)
        self.assertEqual(list(s.outbox_items(f.admin)), [])

    def test_the_loop_over_pending_items_may_deliver(self) -> None:
        f, s = self.f, self.s
        self.approved_with_two()
        seen = 0
        for _ in s.outbox_items(f.admin, page_size=2):
            seen += 1
            s.deliver(limit=1)
        self.assertGreater(seen, 0)
        self.assertLessEqual(seen, len(f.mails) + len(f.deliveries))

    def test_delivery_modes(self) -> None:
        for mode in ("on_commit", "ON_COMMIT", "explicit", DeliveryMode.EXPLICIT, 0, 1):
            with self.subTest(mode=mode):
                Scheduler.open(":memory:", delivery=mode).close()
        with self.assertRaises(ValueError):
            Scheduler.open(":memory:", delivery="later")
        with self.assertRaises(ValueError):
            Scheduler.open(":memory:", delivery=2)
        with self.assertRaises(TypeError):
            Scheduler.open(":memory:", delivery=1.0)  # type: ignore[arg-type]


@requires("engsched_deliver", "engsched_event_stream")
class SignatureTest(OutboxCase):
    SECRET = "correct horse battery staple"

    def expected(self, document: str) -> str:
        mac = hmac.new(self.SECRET.encode(), document.encode("utf-8"), hashlib.sha256)
        return "sha256=" + mac.hexdigest()

    def test_event_documents_are_signed_with_the_webhook_secret(self) -> None:
        f, s = self.f, self.s
        s.setting_set("webhook_secret", self.SECRET, actor=SYSTEM)
        with self.assertRaises(DeniedError):
            s.setting_get("webhook_secret")  # write-only
        before = len(f.deliveries)
        self.approved_with_two("Signed")
        signed = f.deliveries[before:]
        self.assertTrue(signed)
        for seq, document, signature in signed:
            self.assertIsNotNone(signature)
            assert signature is not None
            self.assertTrue(hmac.compare_digest(signature, self.expected(document)), seq)
            self.assertNotIn(self.SECRET, document)
        # The stream signs the same bytes the same way.
        streamed = {e.seq: e for e in s.event_stream(SYSTEM, after=signed[0][0] - 1)}
        for seq, document, signature in signed:
            self.assertEqual((streamed[seq].text, streamed[seq].signature), (document, signature))
        # Without a secret, no signature.
        s.setting_set("webhook_secret", "", actor=SYSTEM)
        before = len(f.deliveries)
        self.approved_with_two("Unsigned")
        self.assertTrue(all(sig is None for _, _, sig in f.deliveries[before:]))


@requires("engsched_event_stream")
class EventStreamTest(OutboxCase):
    def test_from_every_seq_the_later_events_once_in_order(self) -> None:
        f, s = self.f, self.s
        for i in range(3):
            self.approved_with_two(f"Streamed {i}")
        last = s.events_last_seq()
        self.assertGreater(last, 10)
        taken = {seq: document for seq, document, _ in f.deliveries}
        for after in range(last + 1):
            for batch in (1, 4, 256):
                with self.subTest(after=after, batch=batch):
                    events = list(s.event_stream(SYSTEM, after=after, batch=batch))
                    self.assertEqual([e.seq for e in events], list(range(after + 1, last + 1)))
        events = list(s.event_stream(SYSTEM))
        for event in events:
            self.assertIsInstance(event, StreamEvent)
            self.assertEqual(event.document["seq"], event.seq)
            self.assertEqual(json.loads(event.text), event.document)
            self.assertEqual(event.text, taken[event.seq])  # what delivery handed over
            self.assertIsNone(event.signature)

    def test_the_loop_may_use_the_scheduler_and_resume(self) -> None:
        f, s = self.f, self.s
        self.approved_with_two()
        last = s.events_last_seq()
        seen: List[int] = []
        for event in s.event_stream(SYSTEM, batch=2):
            self.assertEqual(s.events_last_seq(), last)  # no lock is held between batches
            seen.append(event.seq)
            if len(seen) == 3:
                break
        # A forwarder keeps the last seq it took and resumes there.
        rest = [e.seq for e in s.event_stream(SYSTEM, after=seen[-1], batch=2)]
        self.assertEqual(seen + rest, list(range(1, last + 1)))
        # Events written while streaming are picked up by a later batch.
        stream = s.event_stream(SYSTEM, after=last - 1, batch=1)
        self.assertEqual(next(stream).seq, last)
        f.request("Later", date(2026, 5, 1), date(2026, 5, 2))
        self.assertEqual([e.seq for e in stream], [last + 1])

    def test_only_the_system_actor_and_valid_bounds(self) -> None:
        f, s = self.f, self.s
        for actor in (f.admin, f.manager, f.operator1):
            with self.assertRaises(DeniedError):
                s.event_stream(actor)  # raised by the call, not the first next()
        for kwargs in ({"batch": 0}, {"batch": 10001}, {"after": -1}):
            with self.subTest(**kwargs):
                with self.assertRaises(InvalidError):
                    s.event_stream(SYSTEM, **kwargs)
        with self.assertRaises(TypeError):
            s.event_stream(SYSTEM, after="0")  # type: ignore[arg-type]
        self.assertEqual(list(s.event_stream(SYSTEM, after=s.events_last_seq())), [])


@requires("engsched_outbox_list_get", "engsched_outbox_purge")
class AdministrationTest(OutboxCase):
    def test_purge_deletes_only_delivered_items_before_the_time(self) -> None:
        f, s = self.f, self.s
        self.approved_with_two("Purged")
        f.mail_result = False
        self.approved_with_two("Kept")
        delivered, pending = self.count(DELIVERED), self.count(PENDING)
        self.assertEqual(pending, 2)
        self.assertEqual(s.outbox_purge(f.admin, f.now - SECOND), 0)
        when = f.now + SECOND
        self.assertEqual(s.outbox_purge(f.admin, when), delivered)
        self.assertEqual(self.count(DELIVERED), 0)
        self.assertEqual(self.count(PENDING), pending)
        self.assertEqual(s.outbox_count(f.admin), pending)  # OUTBOX_ALL by default

    def test_non_administrators_are_denied(self) -> None:
        f, s = self.f, self.s
        calls = {
            "outbox": lambda actor: s.outbox(actor, OUTBOX_ALL),
            "outbox_items": lambda actor: s.outbox_items(actor),
            "outbox_count": lambda actor: s.outbox_count(actor, PENDING),
            "outbox_requeue": lambda actor: s.outbox_requeue(actor, None),
            "outbox_purge": lambda actor: s.outbox_purge(actor, f.now),
        }
        for name, call in calls.items():
            for actor in (f.manager, f.operator1, f.client_user, f.viewer):
                with self.subTest(call=name, actor=actor):
                    with self.assertRaises(DeniedError):
                        call(actor)
            with self.subTest(call=name, actor="unknown"):
                with self.assertRaises(NotFoundError):
                    call(424242)

    def test_bad_states_and_bounds_are_invalid(self) -> None:
        f, s = self.f, self.s
        for states in (0, 16, 0xFF):
            with self.subTest(states=states):
                with self.assertRaises(InvalidError):
                    s.outbox_count(f.admin, states)
                with self.assertRaises(InvalidError):
                    s.outbox(f.admin, states)
                with self.assertRaises(InvalidError):
                    s.outbox_items(f.admin, states)  # the first page is read at once
        for kwargs in ({"limit": 0}, {"limit": 1001}, {"after": -1}):
            with self.subTest(**kwargs):
                with self.assertRaises(InvalidError):
                    s.outbox(f.admin, PENDING, **kwargs)
        with self.assertRaises(InvalidError):
            s.outbox_requeue(f.admin, -5)
        for bad in ("pending", None, 1.0):
            with self.subTest(states=bad):
                with self.assertRaises(TypeError):
                    s.outbox_count(f.admin, bad)  # type: ignore[arg-type]
        with self.assertRaises(OverflowError):
            s.outbox_count(f.admin, -1)
        with self.assertRaises(OverflowError):
            s.deliver(limit=-1)
        for key, value in (("delivery_max_attempts", "0"), ("delivery_retry_seconds", "x")):
            with self.subTest(setting=key):
                with self.assertRaises(InvalidError):
                    s.setting_set(key, value, actor=SYSTEM)
        # A list of states is a mask.
        self.assertEqual(s.outbox_count(f.admin, [PENDING, DELIVERED]),
                         s.outbox_count(f.admin, PENDING | DELIVERED))

    def test_inside_a_batch_delivery_waits(self) -> None:
        f, s = self.f, self.s
        with s.batch():
            f.request("In a batch", date(2026, 4, 6), date(2026, 4, 10))
            with self.assertRaises(MisuseError):
                s.deliver()
            with self.assertRaises(MisuseError):
                s.event_stream(SYSTEM)

    def test_every_call_after_close_is_misuse(self) -> None:
        f, s = self.f, self.s
        s.close()
        calls = {
            "deliver": lambda: s.deliver(),
            "undeliverable_count": lambda: s.undeliverable_count,
            "outbox": lambda: s.outbox(f.admin),
            "outbox_items": lambda: s.outbox_items(f.admin),
            "outbox_count": lambda: s.outbox_count(f.admin),
            "outbox_requeue": lambda: s.outbox_requeue(f.admin, None),
            "outbox_purge": lambda: s.outbox_purge(f.admin, f.now),
            "event_stream": lambda: s.event_stream(SYSTEM),
        }
        for name, call in calls.items():
            with self.subTest(call=name):
                with self.assertRaises(MisuseError):
                    call()


class OptionsTest(unittest.TestCase):
    def test_enum_names_come_from_the_library(self) -> None:
        if not engsched.has_function("engsched_outbox_state_name"):
            self.skipTest("the loaded library has no outbox")
        self.assertEqual([s.machine_name for s in OutboxState],
                         ["pending", "delivered", "dead", "undeliverable"])
        self.assertEqual([k.machine_name for k in OutboxKind], ["mail", "event"])
        self.assertEqual(int(OUTBOX_ALL), 15)
        with self.assertRaises(ValueError):
            (PENDING | DEAD).machine_name

    def test_event_callbacks(self) -> None:
        with self.assertRaises(ValueError):
            Scheduler.open(":memory:", on_event=print, on_event_delivery=lambda *a: None)
        with self.assertRaises(TypeError):
            Scheduler.open(":memory:", on_event_delivery="print")  # type: ignore[arg-type]


if __name__ == "__main__":
    unittest.main()
