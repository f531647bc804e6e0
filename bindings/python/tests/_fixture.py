"""Shared fixture of the Python binding tests: a store with three clients
and the users of tests/support/fixture.c, a controlled clock, and the
events and mails the callbacks received (with ``event_delivery=True``,
the event documents through on_event_delivery instead of on_event)."""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import unittest
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

# Test this checkout's package, whatever is installed.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
if _PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, _PACKAGE_ROOT)

import engsched  # noqa: E402
from engsched import (  # noqa: E402
    SYSTEM,
    BuiltinRole,
    ClientId,
    EngagementId,
    Scheduler,
    UserId,
)

UTC = datetime.timezone.utc
#: 2026-03-01T12:00:00Z
T0 = datetime.datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def utc(seconds: int) -> datetime.datetime:
    """The aware datetime of UTC seconds (as events carry them)."""
    return datetime.datetime.fromtimestamp(seconds, UTC)


class Fixture:
    """A scheduler with clients acme/globex/initech and seven users."""

    def __init__(self, path: str = ":memory:", *, event_delivery: bool = False,
                 **options: Any) -> None:
        self.now = T0
        self.events: List[Dict[str, Any]] = []
        self.mails: List[Tuple[str, bytes]] = []
        self.mail_result: Any = None
        # on_event_delivery calls, taken or not: (seq, document, signature)
        self.deliveries: List[Tuple[int, str, Optional[str]]] = []
        self.delivery_result: Any = None
        self.delivery_error: Optional[BaseException] = None
        if event_delivery:
            options["on_event_delivery"] = self._deliver
        else:
            options["on_event"] = self.events.append
        self.s = Scheduler.open(
            path,
            clock=lambda: self.now,
            on_mail=self._mail,
            **options,
        )
        s = self.s
        self.acme = s.client_upsert("client-0", "Acme Corp", actor=SYSTEM)
        self.globex = s.client_upsert("client-1", "Globex", actor=SYSTEM)
        self.initech = s.client_upsert("client-2", "Initech", actor=SYSTEM)
        self.admin = self.user("admin", BuiltinRole.ADMINISTRATOR, all_clients=True)
        self.manager = self.user("manager", BuiltinRole.MANAGER, all_clients=True)
        self.operator1 = self.user("operator1", BuiltinRole.OPERATOR)
        self.operator2 = self.user("operator2", BuiltinRole.OPERATOR)
        self.client_user = self.user("client", BuiltinRole.CLIENT)
        self.viewer = self.user("viewer", BuiltinRole.VIEWER)
        self.outsider = self.user("outsider", BuiltinRole.MANAGER)
        for user, client in (
            (self.operator1, self.acme),
            (self.operator1, self.globex),
            (self.operator2, self.acme),
            (self.client_user, self.acme),
            (self.viewer, self.acme),
            (self.outsider, self.initech),
        ):
            s.access_grant(user, client, actor=SYSTEM)

    def _mail(self, recipient: str, message: bytes) -> Any:
        self.mails.append((recipient, message))
        return self.mail_result

    def _deliver(self, seq: int, document: str, signature: Optional[str]) -> Any:
        self.deliveries.append((seq, document, signature))
        if self.delivery_error is not None:
            raise self.delivery_error
        return self.delivery_result

    def user(self, key: str, role: BuiltinRole, all_clients: bool = False) -> UserId:
        return self.s.user_upsert(
            key,
            key.capitalize(),
            role,
            email=f"{key}@example.com",
            all_clients=all_clients,
            actor=SYSTEM,
        )

    def request(self, name: str, start: datetime.date, end: datetime.date,
                actor: Optional[UserId] = None,
                client: Optional[ClientId] = None) -> EngagementId:
        return self.s.request(
            actor or self.client_user, name=name, client=client or self.acme, start=start,
            end=end,
        )

    def status(self, engagement: EngagementId) -> engsched.Status:
        return self.s.engagement(SYSTEM, engagement).status

    def version(self, engagement: EngagementId) -> int:
        return self.s.engagement(SYSTEM, engagement).version

    def close(self) -> None:
        self.s.close()


class FixtureTestCase(unittest.TestCase):
    """Each test gets a fresh in-memory fixture as self.f and its scheduler as self.s."""

    fixture_options: Dict[str, Any] = {}

    def setUp(self) -> None:
        self.f = Fixture(**self.fixture_options)
        self.s = self.f.s
        self.addCleanup(self.f.close)


def temp_dir(case: unittest.TestCase) -> str:
    d = tempfile.TemporaryDirectory(prefix="engsched-py-")
    case.addCleanup(d.cleanup)
    return d.name


def requires(*names: str) -> Any:
    """Skip unless the loaded library exports every function named."""
    missing = [n for n in names if not engsched.has_function(n)]
    return unittest.skipIf(
        bool(missing),
        f"not implemented by the loaded library yet: {', '.join(missing)} "
        f"({os.environ.get('ENGSCHED_LIBRARY') or engsched.library_path()})",
    )
