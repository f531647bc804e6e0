"""Role-based access: refusals map to DeniedError / NotFoundError with the
library's message, and an engagement of an inaccessible client does not
exist on any path."""

from __future__ import annotations

from datetime import date
import unittest

from _fixture import FixtureTestCase

from engsched import (
    SYSTEM,
    BuiltinRole,
    DeniedError,
    EngschedError,
    ExistsError,
    InvalidError,
    NotFoundError,
    Permission,
    ResultCode,
    Status,
)


class RbacTest(FixtureTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.eid = self.f.request("Internal test", date(2026, 4, 1), date(2026, 4, 3))

    def assertDenied(self, fn, *words: str) -> DeniedError:  # type: ignore[no-untyped-def]
        with self.assertRaises(DeniedError) as cm:
            fn()
        err = cm.exception
        self.assertEqual(err.code, ResultCode.EDENIED)
        self.assertEqual(err.code_name, "ENGSCHED_EDENIED")
        self.assertEqual(str(err), err.message)
        for word in words:
            self.assertIn(word, err.message)
        return err

    def test_missing_permission_is_denied_with_a_message(self) -> None:
        f, s = self.f, self.s
        self.assertDenied(
            lambda: s.request(f.viewer, name="x", client=f.acme, start=date(2026, 4, 1),
                              end=date(2026, 4, 2)),
            f"user {f.viewer}", "request",
        )
        self.assertDenied(lambda: s.approve(f.operator1, self.eid, version=None), "approve")
        self.assertDenied(lambda: s.cancel(f.client_user, self.eid, version=None), "cancel")
        self.assertDenied(
            lambda: s.create(f.client_user, name="x", client=f.acme, start=date(2026, 4, 1),
                             end=date(2026, 4, 2)),
        )
        self.assertDenied(lambda: s.edit(f.viewer, self.eid, f.version(self.eid), name="y"))
        self.assertEqual(f.status(self.eid), Status.PENDING)

    def test_report_status_needs_the_permission_of_the_target(self) -> None:
        f, s = self.f, self.s
        s.approve(f.manager, self.eid, operators=[f.operator1], version=None)
        from engsched import ReportStatus

        s.report_set_status(f.operator1, self.eid, ReportStatus.READY_FOR_REVIEW, version=None)
        self.assertDenied(
            lambda: s.report_set_status(f.operator1, self.eid, ReportStatus.IN_REVIEW, version=None)
        )

    def test_directory_and_settings_need_admin(self) -> None:
        f, s = self.f, self.s
        self.assertDenied(lambda: s.client_upsert("k", "n", actor=f.manager), "admin")
        self.assertDenied(
            lambda: s.user_upsert("u", "U", BuiltinRole.VIEWER, email=None, all_clients=False,
                                  actor=f.manager)
        )
        self.assertDenied(lambda: s.access_grant(f.viewer, f.globex, actor=f.manager))
        self.assertDenied(lambda: s.access_revoke(f.viewer, f.acme, actor=f.operator1))
        self.assertDenied(lambda: s.role_create("Auditor", Permission.VIEW, actor=f.manager))
        self.assertDenied(
            lambda: s.setting_set("timezone", "Europe/Berlin", actor=f.manager)
        )
        self.assertEqual(s.setting_get("timezone"), "UTC")
        s.setting_set("timezone", "Europe/Berlin", actor=f.admin)
        self.assertEqual(s.setting_get("timezone"), "Europe/Berlin")
        self.assertIsInstance(s.client_upsert("k", "n", actor=f.admin), int)

    def test_the_actor_is_never_implied(self) -> None:
        # A host that forgets the actor must not act with the system's
        # rights: every directory, settings and import call needs it named.
        f, s = self.f, self.s
        calls = {
            "client_upsert": lambda: s.client_upsert("k", "n"),  # type: ignore[call-arg]
            "user_upsert": lambda: s.user_upsert(  # type: ignore[call-arg]
                "u", "U", BuiltinRole.VIEWER, email=None, all_clients=False
            ),
            "access_grant": lambda: s.access_grant(f.viewer, f.globex),  # type: ignore[call-arg]
            "access_revoke": lambda: s.access_revoke(f.viewer, f.acme),  # type: ignore[call-arg]
            "role_create": lambda: s.role_create("A", Permission.VIEW),  # type: ignore[call-arg]
            "role_set_permissions": lambda: s.role_set_permissions(  # type: ignore[call-arg]
                BuiltinRole.VIEWER, Permission.VIEW
            ),
            "setting_set": lambda: s.setting_set("timezone", "UTC"),  # type: ignore[call-arg]
            "import_json": lambda: s.import_json("{}"),  # type: ignore[call-arg]
        }
        before = s.events_last_seq()
        for name, call in calls.items():
            with self.subTest(name), self.assertRaises(TypeError) as cm:
                call()
            self.assertIn("actor", str(cm.exception))
        self.assertEqual(s.events_last_seq(), before)
        self.assertIsNone(s.client_find("k"))

    def test_inaccessible_client_means_not_found_everywhere(self) -> None:
        f, s = self.f, self.s
        out = f.outsider  # a Manager, but only for Initech

        def assert_not_found(fn) -> None:  # type: ignore[no-untyped-def]
            with self.assertRaises(NotFoundError) as cm:
                fn()
            self.assertEqual(cm.exception.code_name, "ENGSCHED_ENOTFOUND")
            self.assertIsInstance(cm.exception, LookupError)
            self.assertNotIn("Internal test", cm.exception.message)

        assert_not_found(lambda: s.engagement(out, self.eid))
        assert_not_found(lambda: s.capabilities(out, self.eid))
        assert_not_found(lambda: s.approve(out, self.eid, version=None))
        assert_not_found(lambda: s.cancel(out, self.eid, version=None))
        assert_not_found(lambda: s.files(out, self.eid))
        assert_not_found(lambda: s.events(out, self.eid))
        assert_not_found(lambda: s.assign(out, self.eid, f.operator1, version=None))
        assert_not_found(lambda: s.list(out, client=f.acme))
        self.assertEqual(len(s.list(out)), 0)
        self.assertEqual(list(s.calendar(out, date(2026, 4, 1), date(2026, 4, 30))), [])
        # Access granted: now it exists; revoked: gone again.
        s.access_grant(out, f.acme, actor=SYSTEM)
        self.assertEqual(s.engagement(out, self.eid).id, self.eid)
        s.access_revoke(out, f.acme, actor=SYSTEM)
        assert_not_found(lambda: s.engagement(out, self.eid))

    def test_unknown_actor_is_not_found(self) -> None:
        with self.assertRaises(NotFoundError) as cm:
            self.s.engagement(424242, self.eid)
        self.assertIn("actor", cm.exception.message)

    def test_roles_and_permissions(self) -> None:
        f, s = self.f, self.s
        self.assertEqual(s.user_permissions(f.operator1),
                         BuiltinRole.OPERATOR.default_permissions)
        auditor = s.role_create("Auditor", Permission.VIEW | Permission.REPORT_VIEW, actor=SYSTEM)
        self.assertEqual(s.role_find("Auditor"), auditor)
        self.assertIsNone(s.role_find("No such role"))
        self.assertEqual(s.role_find("Manager"), BuiltinRole.MANAGER)
        with self.assertRaises(ExistsError):
            s.role_create("Auditor", Permission.VIEW, actor=SYSTEM)
        with self.assertRaises(InvalidError):
            s.role_create("Too many", 1 << 20, actor=SYSTEM)
        u = s.user_upsert("aud", "Aud", auditor, email="aud@example.com", all_clients=False,
                          actor=SYSTEM)
        s.access_grant(u, f.acme, actor=SYSTEM)
        self.assertEqual(s.engagement(u, self.eid).id, self.eid)
        self.assertDenied(lambda: s.cancel(u, self.eid, version=None))
        # Built-in roles are editable like custom ones.
        s.role_set_permissions(auditor, Permission.VIEW | Permission.CANCEL, actor=SYSTEM)
        self.assertEqual(s.user_permissions(u), Permission.VIEW | Permission.CANCEL)
        s.cancel(u, self.eid, reason="by an auditor", version=None)
        self.assertEqual(f.status(self.eid), Status.CANCELED)
        with self.assertRaises(NotFoundError):
            s.role_set_permissions(9999, Permission.VIEW, actor=SYSTEM)

    def test_system_passes_every_check(self) -> None:
        e = self.s.engagement(SYSTEM, self.eid)
        self.assertEqual(e.name, "Internal test")

    def test_every_refusal_is_an_engsched_error(self) -> None:
        with self.assertRaises(EngschedError):
            self.s.approve(self.f.viewer, self.eid, version=None)

class DirectoryReadTest(FixtureTestCase):
    def test_user_info_and_role_permissions(self) -> None:
        info = self.s.user_info(self.f.operator1)
        self.assertEqual(info.host_key, "operator1")
        self.assertEqual(info.email, "operator1@example.com")
        self.assertEqual(info.display_name, "Operator1")
        self.assertEqual(info.role, int(BuiltinRole.OPERATOR))
        self.assertFalse(info.all_clients)
        self.assertTrue(self.s.user_info(self.f.manager).all_clients)
        with self.assertRaises(NotFoundError):
            self.s.user_info(4242)
        self.assertEqual(
            self.s.role_permissions(BuiltinRole.VIEWER), Permission.VIEW
        )


if __name__ == "__main__":
    unittest.main()
