"""Backup and restore from Python: a live store copied with
Scheduler.backup, restored with engsched.restore, and the refusals
(include/engsched/backup.h)."""

from __future__ import annotations

from datetime import date
import os
import unittest

from _fixture import Fixture, requires, temp_dir

import engsched
from engsched import (
    SYSTEM,
    CorruptError,
    DeniedError,
    ExistsError,
    NotFoundError,
    Scheduler,
)


@requires("engsched_backup", "engsched_restore")
class BackupTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = temp_dir(self)
        self.f = Fixture(os.path.join(self.dir, "live.db"))
        self.addCleanup(self.f.close)
        for i in range(10):
            self.f.request(f"Engagement {i}", date(2026, 4, 1), date(2026, 4, 3))

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def test_backup_and_restore_export_the_same(self) -> None:
        s, f = self.f.s, self.f
        want = s.export_json(SYSTEM)
        s.backup(self.path("b.db"), actor=f.admin, pages_per_step=4, sleep_ms=0)
        with Scheduler.open(self.path("b.db"), create=False) as copy:
            self.assertEqual(copy.export_json(SYSTEM), want)
        engsched.restore(self.path("b.db"), self.path("restored.db"))
        with Scheduler.open(self.path("restored.db"), create=False) as restored:
            self.assertEqual(restored.export_json(SYSTEM), want)
            self.assertIn("Engagement 9", restored.export_json(SYSTEM))

    def test_refusals(self) -> None:
        s, f = self.f.s, self.f
        with self.assertRaises(DeniedError):
            s.backup(self.path("denied.db"), actor=f.manager)
        self.assertFalse(os.path.exists(self.path("denied.db")))
        s.backup(self.path("b.db"), actor=SYSTEM)
        with self.assertRaises(ExistsError):
            s.backup(self.path("b.db"), actor=f.admin)
        with self.assertRaises(ExistsError):
            engsched.restore(self.path("b.db"), self.path("b.db"))
        with self.assertRaises(NotFoundError):
            engsched.restore(self.path("missing.db"), self.path("r.db"))
        with open(self.path("text.db"), "w") as fp:
            fp.write("not a store, not even a database; just some words in a file\n" * 4)
        with self.assertRaises(CorruptError) as bad:
            engsched.restore(self.path("text.db"), self.path("r.db"))
        self.assertIn("not a database", str(bad.exception))
        self.assertFalse(os.path.exists(self.path("r.db")))
        self.assertEqual([n for n in os.listdir(self.dir) if ".partial-" in n], [])
        with self.assertRaises(TypeError):
            s.backup(42, actor=f.admin)  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            engsched.restore("a\0b", self.path("r.db"))


if __name__ == "__main__":
    unittest.main()
