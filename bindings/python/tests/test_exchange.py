"""Streamed export and import (export.h): a full export written to a file
object, restored into an empty store from one, exported again: the same
bytes; a writer or reader that raises stops the call and the exception
comes back; secrets only on request and only for an ADMIN."""

from __future__ import annotations

from datetime import date
import io
import json
import unittest

from _fixture import FixtureTestCase, requires

from engsched import SYSTEM, DeniedError, InvalidError, Scheduler


class Broken(io.RawIOBase):
    def write(self, data: object) -> int:
        raise OSError("disk full")

    def read(self, size: int = -1) -> bytes:
        raise OSError("connection reset")


@requires("engsched_export", "engsched_import")
class ExchangeTest(FixtureTestCase):
    def test_restore_through_files_is_exact(self) -> None:
        f, s = self.f, self.s
        eid = s.request(f.client_user, name="Streamed", client=f.acme, start=date(2026, 4, 1),
                        end=date(2026, 4, 2), files=[("scope.txt", "text/plain", b"scope")])
        s.approve(f.manager, eid, operators=[f.operator1], version=None)
        first = io.BytesIO()
        s.export_to(first, SYSTEM)
        self.assertEqual(first.getvalue().decode("utf-8"), s.export_json(SYSTEM))
        doc = json.loads(first.getvalue())
        self.assertEqual(doc["version"], 2)
        self.assertIn("store", doc)
        with Scheduler.open(":memory:") as fresh:
            first.seek(0)
            self.assertEqual(fresh.import_from(first, SYSTEM), 1)
            again = io.BytesIO()
            fresh.export_to(again, SYSTEM)
            self.assertEqual(again.getvalue(), first.getvalue())

    def test_secrets_on_request_for_admin_only(self) -> None:
        f, s = self.f, self.s
        s.setting_set("webhook_secret", "py-signing-key", actor=SYSTEM)
        plain, secret = io.BytesIO(), io.BytesIO()
        s.export_to(plain, f.admin)
        self.assertNotIn(b"py-signing-key", plain.getvalue())
        s.export_to(secret, f.admin, secrets=True)
        self.assertEqual(json.loads(secret.getvalue())["settings"]["webhook_secret"],
                         "py-signing-key")
        with self.assertRaises(DeniedError):
            s.export_to(io.BytesIO(), f.manager, secrets=True)

    def test_callback_errors_come_back(self) -> None:
        s = self.s
        with self.assertRaises(OSError):
            s.export_to(Broken(), SYSTEM)
        with Scheduler.open(":memory:") as fresh:
            with self.assertRaises(OSError):
                fresh.import_from(Broken(), SYSTEM)
            with self.assertRaises(InvalidError):
                fresh.import_from(io.BytesIO(b'{"format": "engsched-export", "version": 2,'), SYSTEM)


if __name__ == "__main__":
    unittest.main()
