"""Misuse that mypy must refuse: checked by the python_mypy test, never run
(unittest collects test_*.py only).

Each bad line carries ``# type: ignore[code]`` and the file is checked with
``mypy --strict --warn-unused-ignores``: an ignore that mypy finds unused
means that line type-checked, i.e. the misuse was NOT caught, and the test
fails. The good lines above them show the same calls typed right.
"""

from __future__ import annotations

import datetime

from engsched import (
    SYSTEM,
    BuiltinRole,
    ClientId,
    EngagementId,
    ReportStatus,
    Scheduler,
    Status,
    UserId,
)


def good(s: Scheduler) -> None:
    acme: ClientId = s.client_upsert("acme", "Acme", actor=SYSTEM)
    user: UserId = s.user_upsert("u", "U", BuiltinRole.MANAGER, email=None, all_clients=True,
                                 actor=SYSTEM)
    s.access_grant(user, acme, actor=SYSTEM)
    eid: EngagementId = s.request(user, name="x", client=acme, start=datetime.date(2026, 4, 1),
                                  end=datetime.date(2026, 4, 2))
    s.approve(user, eid, version=None)
    s.report_set_status(user, eid, ReportStatus.DRAFT, version=s.engagement(user, eid).version)
    s.tick(datetime.datetime(2026, 4, 1, tzinfo=datetime.timezone.utc))
    label: str = str(Status.IN_REVIEW)
    assert label


def bad(s: Scheduler, some_int: int) -> None:
    acme = s.client_upsert("acme", "Acme", actor=SYSTEM)
    user = s.user_upsert("u", "U", BuiltinRole.MANAGER, email=None, all_clients=True,
                         actor=SYSTEM)
    eid = s.request(user, name="x", client=acme, start=datetime.date(2026, 4, 1),
                    end=datetime.date(2026, 4, 2))
    # swapped user and client
    s.access_grant(acme, user, actor=SYSTEM)  # type: ignore[arg-type]
    # a bare int where an engagement id belongs
    s.engagement(user, some_int)  # type: ignore[arg-type]
    # an engagement id as the actor
    s.engagement(eid, eid)  # type: ignore[arg-type]
    # a client id where a user is expected
    s.user_info(acme)  # type: ignore[arg-type]
    # a naive str for a date
    s.request(user, name="x", client=acme, start="2026-04-01",  # type: ignore[arg-type]
              end=datetime.date(2026, 4, 2))
    # a date where an instant is expected
    s.tick(datetime.date(2026, 4, 1))  # type: ignore[arg-type]
    # UTC seconds where an instant is expected
    s.outbox_purge(SYSTEM, 1772366400)  # type: ignore[arg-type]
    # no actor: the system must be named
    s.client_upsert("k", "n")  # type: ignore[call-arg]
    # the version is a decision: required, None to skip the check
    s.cancel(user, eid)  # type: ignore[call-arg]
    # a plain int as a report status
    s.report_set_status(user, eid, 1, version=None)  # type: ignore[arg-type]
    # an id of one kind assigned to a variable of another
    other: ClientId = eid  # type: ignore[assignment]
    assert other
