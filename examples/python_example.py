#!/usr/bin/env python3
"""A short story with the Python binding: a client requests a web test, a
manager schedules it with two operators (who are sent calendar
invitations), the hourly job starts it, and the List view is printed.

    ENGSCHED_LIBRARY=build/lib/libengsched.so.0 \\
        PYTHONPATH=bindings/python python3 examples/python_example.py
"""

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

try:
    import engsched
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bindings" / "python"))
    import engsched

from engsched import (SYSTEM, BuiltinRole, OperatorRole, OutboxState, ReportStatus,
                      Scheduler, Tab)

DAY = timedelta(days=1)
MARCH_9 = datetime(2026, 3, 9, 12, tzinfo=timezone.utc)  # instants are aware datetimes


def main() -> int:
    events = []
    mails = []  # the host's mail system: the library opens no socket
    now = [MARCH_9]  # the host controls the clock the library sees

    def send(recipient: str, message: bytes) -> bool:
        mails.append((recipient, message))
        return True  # False (or an exception) refuses it: it stays in the outbox for a retry

    with Scheduler.open(":memory:", on_event=events.append, on_mail=send,
                        clock=lambda: now[0]) as s:
        # Invitations need an organizer address; without one they are
        # recorded as undeliverable and nothing is sent.
        s.setting_set("organizer_email", "scheduling@example.com", actor=SYSTEM)
        # Mirror the host's directory (the system actor passes every check).
        acme = s.client_upsert("acme", "Acme Corp", actor=SYSTEM)
        manager = s.user_upsert("mia", "Mia Manager", BuiltinRole.MANAGER,
                                email="mia@example.com", all_clients=True, actor=SYSTEM)
        alice = s.user_upsert("alice", "Alice", BuiltinRole.OPERATOR,
                              email="alice@example.com", actor=SYSTEM, all_clients=False)
        bob = s.user_upsert("bob", "Bob", BuiltinRole.OPERATOR,
                            email="bob@example.com", actor=SYSTEM, all_clients=False)
        client = s.user_upsert("carl", "Carl Client", BuiltinRole.CLIENT,
                               email="carl@acme.example", actor=SYSTEM, all_clients=False)
        for user in (alice, bob, client):
            s.access_grant(user, acme, actor=SYSTEM)

        web = s.request(client, name="Q2 external web test", client=acme,
                        start=date(2026, 3, 10), end=date(2026, 3, 20),
                        files=[("scope.txt", "text/plain", b"*.acme.example")])
        s.request(client, name="Phishing exercise", client=acme,
                  start=date(2026, 4, 1), end=date(2026, 4, 3))
        # version=None: approve whatever version it is now (no concurrent-change check).
        s.approve(manager, web, version=None, report_title="Acme Q2 web report",
                  operators=[(alice, OperatorRole.LEAD), (bob, OperatorRole.TESTER)])
        undeliverable = s.undeliverable_count  # of this approval: read it right after
        print(f"invitations delivered on commit to {', '.join(r for r, _ in mails)}; "
              f"{undeliverable} undeliverable")
        now[0] += DAY  # the hourly job on the first day of the test
        print(f"tick moved {s.tick()} engagement(s) to In Progress")
        s.report_set_status(alice, web, ReportStatus.READY_FOR_REVIEW, version=None)

        print(f"libengsched {engsched.version()}: List view for {s.client_name(acme)}")
        for row in s.iter_list(manager, tab=Tab.ALL, limit=10):
            print(f"  #{row.id} {row.start} .. {row.end}  {row.status!s:<12} "
                  f"{row.status.colour}  {row.name}")
        print(f"{len(events)} events; last: {events[-1]['action']}")
        print(f"files: {[f.name for f in s.files(manager, web)]}")
        retried = s.deliver()  # what a worker or the hourly job runs: refused items again
        print(f"outbox: {s.outbox_count(SYSTEM, OutboxState.PENDING)} pending, "
              f"{retried.delivered} delivered on retry")
    return 0


if __name__ == "__main__":
    sys.exit(main())
