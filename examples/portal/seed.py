#!/usr/bin/env python3
"""Build the portal's demo store through the public bindings.

    seed.py demo-out/portal.db

The cast of the seed story: an administrator, two managers (one for all
clients, one for Acme only, who sees Globex work as "busy"), three
operators, a client user of Acme and a viewer; engagements of this month in
every status, one with a support file. The store must not exist yet.
"""

import argparse
import datetime
import os
import sys
from typing import Dict

from engsched import SYSTEM, BuiltinRole, OperatorRole, ReportStatus, Scheduler

DAY = datetime.timedelta(days=1)


def cast(s: Scheduler) -> Dict[str, int]:
    """Clients and users (the host mirrors its directory as SYSTEM)."""
    s.setting_set("organizer_email", "scheduling@example.com", actor=SYSTEM)
    acme = s.client_upsert("acme", "Acme Corp", actor=SYSTEM)
    globex = s.client_upsert("globex", "Globex", actor=SYSTEM)
    people = [
        ("mia", "Mia Manager", BuiltinRole.MANAGER, True, ()),
        ("max", "Max Acme-Manager", BuiltinRole.MANAGER, False, (acme,)),
        ("ada", "Ada Admin", BuiltinRole.ADMINISTRATOR, True, ()),
        ("alice", "Alice Operator", BuiltinRole.OPERATOR, False, (acme,)),
        ("bob", "Bob Operator", BuiltinRole.OPERATOR, False, (acme,)),
        ("omar", "Omar Operator", BuiltinRole.OPERATOR, False, (acme, globex)),
        ("carl", "Carl Client", BuiltinRole.CLIENT, False, (acme,)),
        ("vera", "Vera Viewer", BuiltinRole.VIEWER, False, (acme,)),
    ]
    ids: Dict[str, int] = {"acme": acme, "globex": globex}
    for key, name, role, all_clients, grants in people:
        uid = s.user_upsert(key, name, role, email=f"{key}@example.com",
                            all_clients=all_clients, actor=SYSTEM)
        for client in grants:
            s.access_grant(uid, client, actor=SYSTEM)
        ids[key] = uid
    return ids


def engagements(s: Scheduler, ids: Dict[str, int], today: datetime.date) -> None:
    """One or more engagements in every status around today."""
    acme, mia, carl = ids["acme"], ids["mia"], ids["carl"]
    lead, tester = OperatorRole.LEAD, OperatorRole.TESTER

    s.request(carl, name="Acme web app test", client=acme, start=today + 6 * DAY,
              end=today + 10 * DAY, description="External test of the customer portal.",
              files=[("scope.txt", "text/plain", b"in scope: *.acme.example\n")])
    s.request(carl, name="Acme phishing exercise", client=acme, start=today + 14 * DAY,
              end=today + 16 * DAY)
    s.create(mia, name="Acme API review", client=acme, start=today + 3 * DAY,
             end=today + 8 * DAY, operators=[(ids["alice"], lead)])
    s.create(mia, name="Acme internal network", client=acme, start=today - 2 * DAY,
             end=today + 4 * DAY, operators=[(ids["bob"], lead), (ids["omar"], tester)])
    review = s.create(mia, name="Acme mobile app", client=acme, start=today - 9 * DAY,
                      end=today - 3 * DAY, operators=[(ids["alice"], lead)])
    s.report_set_status(mia, review, ReportStatus.READY_FOR_REVIEW)
    done = s.create(mia, name="Acme cloud audit", client=acme, start=today - 20 * DAY,
                    end=today - 12 * DAY, operators=[(ids["bob"], lead)])
    for status in (ReportStatus.READY_FOR_REVIEW, ReportStatus.IN_REVIEW,
                   ReportStatus.APPROVED, ReportStatus.PUBLISHED):
        s.report_set_status(mia, done, status)
    dropped = s.request(carl, name="Acme red team (dropped)", client=acme,
                        start=today + 20 * DAY, end=today + 24 * DAY)
    s.cancel(mia, dropped, reason="Budget moved to next year.")
    # Omar's Globex work: "busy" to anyone without access to Globex.
    s.create(mia, name="Globex payment gateway", client=ids["globex"], start=today + 5 * DAY,
             end=today + 9 * DAY, operators=[(ids["omar"], lead)])


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
