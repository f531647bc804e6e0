"""Clients, users, roles, access and tenant settings (include/engsched/engsched.h).

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import ctypes
from typing import Optional

from ._args import (
    _int,
    _opt_text,
    _text,
    _uint,
)
from .enums import Permission
from .models import UserInfo
from ._core import _Core

__all__ = ["DirectoryMixin"]


class DirectoryMixin(_Core):
    """The directory and settings; part of :class:`~engsched.Scheduler`."""

    # --- directory ----------------------------------------------------------

    def client_upsert(self, host_key: str, name: str, *, actor: int) -> int:
        """Create or update a client keyed by the host's key; returns its id."""
        return self._call_id(
            "engsched_client_upsert",
            _int(actor, "actor"),
            _text(host_key, "host_key"),
            _text(name, "name"),
        )

    def client_find(self, host_key: str) -> Optional[int]:
        """The id of the client with this host key, or None."""
        return self._find("engsched_client_find", _text(host_key, "host_key"))

    def client_name(self, client: int) -> str:
        """The display name of a client."""
        return self._call_string("engsched_client_name", _int(client, "client"))

    def user_upsert(
        self,
        host_key: str,
        display_name: str,
        role: int,
        *,
        email: Optional[str] = None,
        all_clients: bool = False,
        actor: int,
    ) -> int:
        """Create or update a user keyed by the host's key; returns its id."""
        return self._call_id(
            "engsched_user_upsert",
            _int(actor, "actor"),
            _text(host_key, "host_key"),
            _opt_text(email, "email"),
            _text(display_name, "display_name"),
            _int(role, "role"),
            1 if all_clients else 0,
        )

    def user_find(self, host_key: str) -> Optional[int]:
        """The id of the user with this host key, or None."""
        return self._find("engsched_user_find", _text(host_key, "host_key"))

    def user_info(self, user: int) -> UserInfo:
        """A user's directory entry."""
        key, email, name = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        role, flags = ctypes.c_int64(), ctypes.c_uint()
        with self._handle() as db:
            self._check(db, self._lib.engsched_user_info(
                db, _int(user, "user"), ctypes.byref(key), ctypes.byref(email),
                ctypes.byref(name), ctypes.byref(role), ctypes.byref(flags)))
            try:
                texts = [ctypes.string_at(p.value).decode("utf-8", "replace") for p in (key, email, name)]
            finally:
                for p in (key, email, name):
                    self._lib.engsched_free(p.value)
        return UserInfo(int(user), texts[0], texts[1], texts[2], role.value, bool(flags.value & 1))

    def role_permissions(self, role: int) -> Permission:
        """The permission mask of a role."""
        out = ctypes.c_uint()
        self._call("engsched_role_permissions", _int(role, "role"), ctypes.byref(out))
        return Permission(out.value)

    def user_permissions(self, user: int) -> Permission:
        """A user's effective permissions (their role's mask)."""
        out = ctypes.c_uint()
        self._call("engsched_user_permissions", _int(user, "user"), ctypes.byref(out))
        return Permission(out.value)

    def access_grant(self, user: int, client: int, *, actor: int) -> None:
        """Give a user access to a client's engagements."""
        self._call(
            "engsched_access_grant", _int(actor, "actor"), _int(user, "user"),
            _int(client, "client"),
        )

    def access_revoke(self, user: int, client: int, *, actor: int) -> None:
        """Take a user's access to a client away."""
        self._call(
            "engsched_access_revoke", _int(actor, "actor"), _int(user, "user"),
            _int(client, "client"),
        )

    def role_create(self, name: str, permissions: int, *, actor: int) -> int:
        """Create a custom role; returns its id."""
        return self._call_id(
            "engsched_role_create",
            _int(actor, "actor"),
            _text(name, "name"),
            _uint(permissions, "permissions"),
        )

    def role_set_permissions(self, role: int, permissions: int, *, actor: int) -> None:
        """Change the permissions of any role, built-in or custom."""
        self._call(
            "engsched_role_set_permissions",
            _int(actor, "actor"),
            _int(role, "role"),
            _uint(permissions, "permissions"),
        )

    def role_find(self, name: str) -> Optional[int]:
        """The id of the role with this name, or None."""
        return self._find("engsched_role_find", _text(name, "name"))

    def _find(self, name: str, key: bytes) -> Optional[int]:
        from .errors import NotFoundError

        try:
            return self._call_id(name, key)
        except NotFoundError:
            return None

    # --- settings -----------------------------------------------------------

    def setting_get(self, key: str) -> str:
        """A tenant setting (its default if never set)."""
        return self._call_string("engsched_setting_get", _text(key, "key"))

    def setting_set(self, key: str, value: str, *, actor: int) -> None:
        """Change a tenant setting (ADMIN)."""
        self._call(
            "engsched_setting_set", _int(actor, "actor"), _text(key, "key"),
            _text(value, "value"),
        )
