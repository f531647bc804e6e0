#!/usr/bin/env python3
"""Build the portal's demo store through the public bindings.

    seed.py demo-out/portal.db

The cast of the seed story is the demo directory (portal/demo.py): an
administrator, two managers (one for all clients, one for Acme only, who
sees Globex work as "busy"), three operators, a client user of Acme and a
viewer; engagements of this month in every status, one with a support
file. The store must not exist yet.
"""

import argparse
import datetime
import os
import sys
from dataclasses import dataclass
from typing import Dict

from engsched import SYSTEM, ClientId, OperatorRole, ReportStatus, Scheduler, UserId

from portal.demo import DEMO_DIRECTORY, Directory

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Cast:
    """The store's ids of the directory's clients and users, by host key."""

    clients: Dict[str, ClientId]
    users: Dict[str, UserId]


def cast(s: Scheduler, directory: Directory = DEMO_DIRECTORY) -> Cast:
    """Clients, users and grants (the host mirrors its directory as SYSTEM)."""
    s.setting_set("organizer_email", "scheduling@example.com", actor=SYSTEM)
    clients = {c.key: s.client_upsert(c.key, c.name, actor=SYSTEM) for c in directory.clients}
    users: Dict[str, UserId] = {}
    for person in directory.people:
        uid = s.user_upsert(person.key, person.name, person.role, email=person.email,
                            all_clients=person.all_clients, actor=SYSTEM)
        for key in person.clients:
            s.access_grant(uid, clients[key], actor=SYSTEM)
        users[person.key] = uid
    return Cast(clients, users)


def engagements(s: Scheduler, ids: Cast, today: datetime.date) -> None:
    """One or more engagements in every status around today. The seed is
    the store's only writer, so no step checks a version (``version=None``)."""
    acme, mia, carl = ids.clients["acme"], ids.users["mia"], ids.users["carl"]
    alice, bob, omar = ids.users["alice"], ids.users["bob"], ids.users["omar"]
    lead, tester = OperatorRole.LEAD, OperatorRole.TESTER

    s.request(carl, name="Acme web app test", client=acme, start=today + 6 * DAY,
              end=today + 10 * DAY, description="External test of the customer portal.",
              files=[("scope.txt", "text/plain", b"in scope: *.acme.example\n")])
    s.request(carl, name="Acme phishing exercise", client=acme, start=today + 14 * DAY,
              end=today + 16 * DAY)
    s.create(mia, name="Acme API review", client=acme, start=today + 3 * DAY,
             end=today + 8 * DAY, operators=[(alice, lead)])
    s.create(mia, name="Acme internal network", client=acme, start=today - 2 * DAY,
             end=today + 4 * DAY, operators=[(bob, lead), (omar, tester)])
    review = s.create(mia, name="Acme mobile app", client=acme, start=today - 9 * DAY,
                      end=today - 3 * DAY, operators=[(alice, lead)])
    s.report_set_status(mia, review, ReportStatus.READY_FOR_REVIEW, version=None)
    done = s.create(mia, name="Acme cloud audit", client=acme, start=today - 20 * DAY,
                    end=today - 12 * DAY, operators=[(bob, lead)])
    for status in (ReportStatus.READY_FOR_REVIEW, ReportStatus.IN_REVIEW,
                   ReportStatus.APPROVED, ReportStatus.PUBLISHED):
        s.report_set_status(mia, done, status, version=None)
    dropped = s.request(carl, name="Acme red team (dropped)", client=acme,
                        start=today + 20 * DAY, end=today + 24 * DAY)
    s.cancel(mia, dropped, version=None, reason="Budget moved to next year.")
    # Omar's Globex work: "busy" to anyone without access to Globex.
    s.create(mia, name="Globex payment gateway", client=ids.clients["globex"],
             start=today + 5 * DAY, end=today + 9 * DAY, operators=[(omar, lead)])


def seed(path: str, today: datetime.date) -> None:
    """Create the demo store at ``path``."""
    with Scheduler.open(path) as s:
        ids = cast(s)
        engagements(s, ids, today)
        s.tick()  # the hourly job: started engagements move to In Progress


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", help="path of the new SQLite store")
    args = parser.parse_args()
    if os.path.exists(args.store):
        print(f"seed.py: {args.store} exists; remove it first", file=sys.stderr)
        return 1
    seed(args.store, datetime.date.today())
    print(f"seeded {args.store}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
