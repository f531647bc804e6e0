"""The binding raises its own exceptions, never a segfault: closed
schedulers, freed streams, wrong types, callbacks that misbehave, threads,
and a library that cannot be found."""

from __future__ import annotations

from datetime import date
import dataclasses
import datetime
import functools
import gc
import os
import pickle
import re
import shutil
import subprocess
import sys
import threading
import unittest
from pathlib import Path
from typing import Any, Callable, Dict, List

from _fixture import T0, Fixture, FixtureTestCase, temp_dir

import engsched
from engsched import (
    SYSTEM,
    BuiltinRole,
    CorruptError,
    EngschedError,
    MisuseError,
    NotFoundError,
    ResultCode,
    Scheduler,
    Status,
    UnsupportedError,
    _lib,
)
from engsched.errors import error_for

HEADER = Path(__file__).resolve().parents[3] / "include" / "engsched" / "engsched.h"


class ClosedSchedulerTest(FixtureTestCase):
    def test_every_call_after_close_is_misuse(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Before close", date(2026, 4, 1), date(2026, 4, 2))
        snapshot = s.engagement(f.manager, eid)
        s.close()
        s.close()  # idempotent
        self.assertTrue(s.closed)
        calls: Dict[str, Callable[[], Any]] = {
            "engagement": lambda: s.engagement(f.manager, eid),
            "request": lambda: s.request(f.client_user, name="x", client=f.acme,
                                         start=date(2026, 4, 1), end=date(2026, 4, 2)),
            "approve": lambda: s.approve(f.manager, eid, version=None),
            "edit": lambda: s.edit(f.manager, eid, 1, name="y"),
            "cancel": lambda: s.cancel(f.manager, eid, version=None),
            "tick": lambda: s.tick(T0),
            "list": lambda: s.list(f.manager),
            "iter_list": lambda: s.iter_list(f.manager),
            "calendar": lambda: s.calendar(f.manager, date(2026, 4, 1), date(2026, 4, 30)),
            "availability": lambda: s.availability(f.manager, date(2026, 4, 1), date(2026, 4, 30)),
            "files": lambda: s.files(f.manager, eid),
            "read_file": lambda: s.read_file(f.manager, 1),
            "file_attach": lambda: s.file_attach(f.manager, eid, "a", b"a"),
            "events": lambda: s.events(f.manager, eid),
            "capabilities": lambda: s.capabilities(f.manager, eid),
            "assign": lambda: s.assign(f.manager, eid, f.operator1, version=None),
            "client_upsert": lambda: s.client_upsert("k", "n", actor=SYSTEM),
            "client_find": lambda: s.client_find("client-0"),
            "setting_get": lambda: s.setting_get("timezone"),
            "schema_version": lambda: s.schema_version,
            "feed_ics": lambda: s.feed_ics(f.manager, f.manager),
            "export_json": lambda: s.export_json(f.manager),
            "batch_begin": lambda: s.batch_begin(),
            "batch_commit": lambda: s.batch_commit(),
        }
        for name, call in calls.items():
            with self.subTest(name):
                with self.assertRaises(MisuseError) as cm:
                    call()
                self.assertIn("closed", cm.exception.message)
                self.assertEqual(cm.exception.code, ResultCode.EMISUSE)
        with self.assertRaises(MisuseError):
            with s:
                pass
        # Values copied out before closing stay usable.
        self.assertEqual(snapshot.name, "Before close")
        self.assertEqual(snapshot.status.label, "Pending")

    def test_context_manager_closes(self) -> None:
        with Scheduler.open(":memory:") as s:
            s.client_upsert("k", "n", actor=SYSTEM)
        self.assertTrue(s.closed)
        self.assertIn("closed", repr(s))

    def test_streams_are_freed_with_their_scheduler(self) -> None:
        f, s = self.f, self.s
        for i in range(3):
            f.request(f"E{i}", date(2026, 4, 1), date(2026, 4, 2))
        rows = s.calendar(f.manager, date(2026, 4, 1), date(2026, 4, 30))
        people = s.availability(f.manager, date(2026, 4, 1), date(2026, 4, 30))
        next(rows)
        next(people)
        self.assertEqual(len(s._resources), 2)
        s.close()
        self.assertEqual(s._resources, {})
        with self.assertRaises(MisuseError):
            next(rows)
        with self.assertRaises(MisuseError):
            next(people)
        rows.close()
        self.assertIsNone(next(rows, None))

    def test_abandoned_streams_are_freed_when_collected(self) -> None:
        f, s = self.f, self.s
        f.request("E", date(2026, 4, 1), date(2026, 4, 2))
        for _ in range(50):
            it = s.calendar(f.manager, date(2026, 4, 1), date(2026, 4, 30))
            next(it)
            del it
        gc.collect()
        self.assertEqual(s._resources, {})

    def test_snapshots_are_immutable_copies(self) -> None:
        f, s = self.f, self.s
        eid = s.request(f.client_user, name="Frozen", client=f.acme, start=date(2026, 4, 1),
                        end=date(2026, 4, 2), custom_fields={"a": [1]})
        e = s.engagement(f.manager, eid)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            e.name = "Thawed"  # type: ignore[misc]
        e.custom_fields["a"].append(2)
        self.assertEqual(e.custom_fields, {"a": [1]})


class WrongTypesTest(FixtureTestCase):
    def test_wrong_types_are_type_errors(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Types", date(2026, 4, 1), date(2026, 4, 2))
        type_errors: List[Callable[[], Any]] = [
            lambda: s.engagement(f.manager, str(eid)),  # type: ignore[arg-type]
            lambda: s.engagement(str(f.manager), eid),  # type: ignore[arg-type]
            lambda: s.engagement(f.manager, None),  # type: ignore[arg-type]
            lambda: s.engagement(f.manager, 1.0),  # type: ignore[arg-type]
            lambda: s.engagement(f.manager, True),
            lambda: s.cancel(f.manager, eid, version="1"),  # type: ignore[arg-type]
            lambda: s.cancel(f.manager, eid, reason=b"bytes", version=None),  # type: ignore[arg-type]
            lambda: s.request(f.client_user, name=b"x", client=f.acme,  # type: ignore
                              start=date(2026, 4, 1), end=date(2026, 4, 2)),
            lambda: s.request(f.client_user, name="x", client="acme",  # type: ignore
                              start=date(2026, 4, 1), end=date(2026, 4, 2)),
            lambda: s.request(f.client_user, name="x", client=f.acme, start=20260401,
                              end=date(2026, 4, 2)),  # type: ignore[arg-type]
            lambda: s.request(f.client_user, name="x", client=f.acme,
                              start=datetime.datetime(2026, 4, 1), end=date(2026, 4, 2)),
            lambda: s.request(f.client_user, name="x", client=f.acme, start=date(2026, 4, 1),
                              end=date(2026, 4, 2), custom_fields=42),  # type: ignore
            lambda: s.approve(f.manager, eid, operators=[("op", 1)], version=None),  # type: ignore
            lambda: s.approve(f.manager, eid, operators=[(1, 2, 3)], version=None),  # type: ignore
            lambda: s.list(f.manager, statuses=["pending"]),  # type: ignore[list-item]
            lambda: s.list(f.manager, limit="10"),  # type: ignore[arg-type]
            lambda: s.list(f.manager, token=123),  # type: ignore[arg-type]
            lambda: s.setting_set("timezone", 1, actor=SYSTEM),  # type: ignore[arg-type]
            lambda: s.user_upsert("k", "K", "Manager",  # type: ignore[arg-type]
                                  email=None, all_clients=False, actor=SYSTEM),
            lambda: s.tick("now"),  # type: ignore[arg-type]
            lambda: s.read_file(f.manager, [1]),  # type: ignore[arg-type]
            lambda: s.import_json(12, actor=SYSTEM),  # type: ignore[arg-type]
            lambda: Scheduler.open(42),  # type: ignore[arg-type]
            lambda: Scheduler.open(":memory:", clock=5),  # type: ignore[arg-type]
            lambda: engsched.Status.parse(3),  # type: ignore[arg-type]
            lambda: engsched.is_valid_date(None),  # type: ignore[arg-type]
        ]
        for i, call in enumerate(type_errors):
            with self.subTest(i=i):
                self.assertRaises(TypeError, call)
        self.assertEqual(f.status(eid), Status.PENDING)

    def test_values_c_cannot_hold_are_value_errors(self) -> None:
        f, s = self.f, self.s
        eid = f.request("Values", date(2026, 4, 1), date(2026, 4, 2))
        with self.assertRaises(ValueError):
            s.cancel(f.manager, eid, reason="a\0b", version=None)
        with self.assertRaises(ValueError):
            s.client_upsert("k\0", "n", actor=SYSTEM)
        with self.assertRaises(OverflowError):
            s.engagement(f.manager, 1 << 63)
        with self.assertRaises(OverflowError):
            s.role_create("Huge", 1 << 32, actor=SYSTEM)
        with self.assertRaises(OverflowError):
            s.role_create("Negative", -1, actor=SYSTEM)
        with self.assertRaises(TypeError):  # end is required
            s.request(f.client_user, name="x", client=f.acme,  # type: ignore[call-arg]
                      start=date(2026, 4, 1))
        with self.assertRaises(ValueError):
            s.tick(datetime.datetime(2026, 4, 1))  # naive
        self.assertEqual(s.engagement(f.manager, eid).cancel_reason, "")

    def test_ids_that_do_not_exist_are_not_found(self) -> None:
        f, s = self.f, self.s
        for bad in (0, -1, 1 << 62):
            with self.subTest(id=bad):
                with self.assertRaises(NotFoundError):
                    s.engagement(f.manager, bad)

    def test_dates_accept_date_objects(self) -> None:
        f, s = self.f, self.s
        eid = s.request(f.client_user, name="d", client=f.acme,
                        start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 2))
        self.assertEqual(s.engagement(f.manager, eid).end, datetime.date(2026, 4, 2))


class CallbackTest(unittest.TestCase):
    def test_a_callback_may_not_use_its_scheduler(self) -> None:
        errors: List[BaseException] = []
        holder: Dict[str, Scheduler] = {}

        def on_event(event: Dict[str, Any]) -> None:
            for call in (lambda: holder["s"].setting_get("timezone"), holder["s"].close):
                try:
                    call()
                except MisuseError as exc:
                    errors.append(exc)

        with Scheduler.open(":memory:", on_event=on_event) as s:
            holder["s"] = s
            s.client_upsert("k", "n", actor=SYSTEM)
            self.assertEqual(len(errors), 2)
            self.assertIn("callback", errors[0].args[0])
            self.assertFalse(s.closed)
            self.assertEqual(s.setting_get("timezone"), "UTC")

    def test_exceptions_in_callbacks_are_reported_not_raised(self) -> None:
        reported: List[Any] = []
        old = sys.unraisablehook
        sys.unraisablehook = reported.append
        try:
            def on_event(event: Dict[str, Any]) -> None:
                raise RuntimeError("event handler broke")

            def clock() -> datetime.datetime:
                raise RuntimeError("clock broke")

            with Scheduler.open(":memory:", on_event=on_event, clock=clock) as s:
                cid = s.client_upsert("k", "n", actor=SYSTEM)
                self.assertEqual(s.client_find("k"), cid)
        finally:
            sys.unraisablehook = old
        messages = {str(r.exc_value) for r in reported}
        self.assertIn("event handler broke", messages)
        self.assertIn("clock broke", messages)

    def test_log_callback_and_clock_values(self) -> None:
        lines: List[Any] = []
        now = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.timezone.utc)
        with Scheduler.open(":memory:", on_log=lambda lvl, msg: lines.append((lvl, msg)),
                            log_level=engsched.LogLevel.DEBUG, clock=lambda: now) as s:
            with self.assertRaises(EngschedError):
                s.setting_set("no-such-key", "1", actor=SYSTEM)
            admin = s.user_upsert(
                "a", "A", BuiltinRole.ADMINISTRATOR, all_clients=True, actor=SYSTEM, email=None
            )
            acme = s.client_upsert("acme", "Acme", actor=SYSTEM)
            eid = s.request(admin, name="x", client=acme, start=date(2026, 4, 1),
                            end=date(2026, 4, 2))
            self.assertEqual(s.engagement(admin, eid).created_at, T0)
        self.assertTrue(any("no-such-key" in msg for _, msg in lines), lines)
        self.assertTrue(all(isinstance(lvl, engsched.LogLevel) for lvl, _ in lines))


class OpenTest(unittest.TestCase):
    def test_open_failures_have_messages(self) -> None:
        d = temp_dir(self)
        with self.assertRaises(NotFoundError) as cm:
            Scheduler.open(os.path.join(d, "missing", "x.db"))
        self.assertIn("missing", cm.exception.message)
        with self.assertRaises(NotFoundError):
            Scheduler.open(Path(d) / "absent.db", create=False)
        junk = Path(d) / "junk.db"
        junk.write_bytes(b"this is not a database" * 100)
        with self.assertRaises(CorruptError):
            Scheduler.open(junk)
        with self.assertRaises(ValueError):
            Scheduler.open("a\0b")

    def test_file_store_persists_and_readonly_refuses_writes(self) -> None:
        path = Path(temp_dir(self)) / "store.db"
        with Scheduler.open(path, busy_timeout_ms=100) as s:
            cid = s.client_upsert("acme", "Acme", actor=SYSTEM)
        with Scheduler.open(str(path), readonly=True) as s:
            self.assertEqual(s.client_find("acme"), cid)
            with self.assertRaises(MisuseError) as cm:
                s.client_upsert("globex", "Globex", actor=SYSTEM)
            self.assertIn("read-only", cm.exception.message)
        missing = path.with_name("never-created.db")
        with self.assertRaises(NotFoundError):
            Scheduler.open(missing, readonly=True)
        self.assertFalse(missing.exists())

    def test_unclosed_scheduler_warns(self) -> None:
        s = Scheduler.open(":memory:")
        with self.assertWarns(ResourceWarning):
            del s
            gc.collect()


class ThreadTest(unittest.TestCase):
    def test_threads_share_one_scheduler_safely(self) -> None:
        f = Fixture()
        self.addCleanup(f.close)
        s = f.s
        failures: List[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(20):
                    eid = f.request(f"T{n}-{i}", date(2026, 4, 1), date(2026, 4, 2))
                    s.engagement(f.manager, eid)
                    list(s.calendar(f.manager, date(2026, 4, 1), date(2026, 4, 2)))
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertEqual(sum(1 for _ in s.iter_list(f.manager, limit=7)), 80)


class ErrorsTest(unittest.TestCase):
    def test_one_class_per_code_named_as_the_library_names_it(self) -> None:
        lib = _lib.get()
        for code in ResultCode:
            if code == ResultCode.OK:
                continue
            err = error_for(code, f"message {code.name}")
            with self.subTest(code=code.name):
                self.assertIsInstance(err, EngschedError)
                self.assertIsNot(type(err), EngschedError)
                self.assertEqual(err.code, code)
                self.assertEqual(err.code_name, lib.engsched_rc_name(code).decode())
                self.assertEqual(err.message, f"message {code.name}")
                copy = pickle.loads(pickle.dumps(err))
                self.assertEqual((type(copy), copy.code, copy.message),
                                 (type(err), err.code, err.message))
        unknown = error_for(99, "odd")
        self.assertEqual((type(unknown), unknown.code_name), (EngschedError, "ENGSCHED_UNKNOWN"))


class LibraryTest(unittest.TestCase):
    @unittest.skipUnless(HEADER.is_file(), "the C header is not next to this checkout")
    def test_every_public_function_has_a_prototype(self) -> None:
        # Every public header but the storage backend's C vtable (storage.h,
        # backends.h), which a host implements in C, not calls.
        text = "".join(h.read_text() for h in sorted(HEADER.parent.glob("*.h"))
                       if h.name not in ("storage.h", "backends.h"))
        declared = set(re.findall(r"ENGSCHED_API\s[^;(]*?\b(engsched_\w+)\s*\(", text))
        self.assertGreater(len(declared), 100)
        self.assertEqual(declared - set(_lib.functions()), set())
        lib = _lib.get()
        for name in declared:
            if name in lib.missing:
                continue
            fn = getattr(lib.cdll, name)
            self.assertIsNotNone(fn.argtypes, name)

    def test_a_bad_engsched_library_is_a_clear_error(self) -> None:
        env = dict(os.environ, ENGSCHED_LIBRARY="/nonexistent/libengsched.so.0")
        code = ("import engsched\n"
                "try:\n    engsched.version()\n"
                "except OSError as e:\n    print('OSError', e)\n")
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True,
            cwd=str(Path(__file__).resolve().parents[1]), check=True,
        ).stdout
        self.assertIn("OSError ENGSCHED_LIBRARY=/nonexistent/libengsched.so.0", out)

    def test_functions_the_library_lacks_raise_unsupported(self) -> None:
        missing = sorted(_lib.get().missing)
        if not missing:
            self.skipTest("the loaded library implements every declared function")
        self.assertLessEqual(set(missing), set(_lib.OPTIONAL_FUNCTIONS))
        arguments = {
            "engsched_invitation_ics": (SYSTEM, 1, 1),
            "engsched_invitation_mail": (SYSTEM, 1, 1),
            "engsched_feed_ics": (SYSTEM, 1),
            "engsched_engagement_json": (SYSTEM, 1),
            "engsched_export_json": (SYSTEM,),
            "engsched_import_json": ("{}",),
            "engsched_batch_begin": (),
            "engsched_batch_commit": (),
            "engsched_batch_rollback": (),
        }
        # delivery.h: the methods that call them, where the name differs.
        outbox: Dict[str, Callable[[Scheduler], Any]] = {
            "engsched_deliver": lambda s: s.deliver(),
            "engsched_undeliverable_count": lambda s: s.undeliverable_count,
            "engsched_outbox_list_get": lambda s: s.outbox(SYSTEM),
            "engsched_outbox_count": lambda s: s.outbox_count(SYSTEM),
            "engsched_outbox_requeue": lambda s: s.outbox_requeue(SYSTEM, None),
            "engsched_outbox_purge": lambda s: s.outbox_purge(SYSTEM, 0),
            "engsched_event_stream": lambda s: s.event_stream(SYSTEM),
        }
        with Scheduler.open(":memory:") as s:
            for name in missing:
                if name in arguments:
                    call = functools.partial(getattr(s, name[len("engsched_"):]),
                                             *arguments[name])
                elif name in outbox:
                    call = functools.partial(outbox[name], s)
                else:  # list helpers and names: reached only through the above
                    continue
                with self.subTest(name):
                    with self.assertRaises(UnsupportedError) as cm:
                        call()
                    self.assertIn(name, cm.exception.message)
        if "engsched_deliver" in missing:  # a library from before options version 2
            with self.assertRaises(UnsupportedError):
                Scheduler.open(":memory:", on_event_delivery=lambda *a: None)
            with self.assertRaises(UnsupportedError):
                Scheduler.open(":memory:", delivery="explicit")

    def test_the_build_tree_is_found_without_engsched_library(self) -> None:
        root = Path(temp_dir(self))
        (root / "include" / "engsched").mkdir(parents=True)
        (root / "include" / "engsched" / "engsched.h").touch()
        package = root / "bindings" / "python"
        shutil.copytree(Path(engsched.__file__).parent, package / "engsched",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (root / "build" / "lib").mkdir(parents=True)
        built = root / "build" / "lib" / "libengsched.so.0"
        os.symlink(os.path.abspath(engsched.library_path()), built)
        env = {k: v for k, v in os.environ.items() if k != "ENGSCHED_LIBRARY"}
        env["PYTHONPATH"] = str(package)
        out = subprocess.run(
            [sys.executable, "-c", "import engsched; print(engsched.library_path())"],
            env=env, capture_output=True, text=True, cwd=str(root), check=True,
        ).stdout.strip()
        self.assertEqual((Path(out).parent.resolve(), Path(out).name),
                         (built.parent.resolve(), built.name))

    def test_version(self) -> None:
        self.assertRegex(engsched.version(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(engsched.version_number() // 1_000_000, 0)
        self.assertGreaterEqual(engsched.schema_version_supported(), 1)
        self.assertTrue(engsched.has_function("engsched_open"))
        self.assertTrue(engsched.has_function("open"))
        self.assertFalse(engsched.has_function("engsched_no_such_function"))


if __name__ == "__main__":
    unittest.main()
