"""Clients, users, roles, access and tenant settings (include/engsched/engsched.h).

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import ctypes
from typing import Callable, Optional, TypeVar, Union

from ._args import _id, _opt_text, _str, _text, _uint
from ._core import _Core
from .enums import BuiltinRole, Permission
from .errors import NotFoundError
from .ids import ClientId, RoleId, UserId
from .models import UserInfo

#: A role id, or a :class:`BuiltinRole` (whose value is its stable id).
RoleLike = Union[RoleId, BuiltinRole]

_Id = TypeVar("_Id", ClientId, UserId, RoleId)

__all__ = ["DirectoryMixin", "RoleLike"]


class DirectoryMixin(_Core):
    """The directory and settings; part of :class:`~engsched.Scheduler`."""

    # --- directory ----------------------------------------------------------

    def client_upsert(self, host_key: str, name: str, *, actor: UserId) -> ClientId:
        """Create or update a client keyed by the host's own key; returns its id.

        ``actor`` needs ADMIN (or is :data:`SYSTEM`). InvalidError for an
        empty key or name, DeniedError, NotFoundError for an unknown actor."""
        return ClientId(self._call_id(
            "engsched_client_upsert",
            _id(actor, "actor"),
            _text(host_key, "host_key"),
            _text(name, "name"),
        ))

    def client_find(self, host_key: str) -> Optional[ClientId]:
        """The id of the client with this host key, or None."""
        return self._find(ClientId, "engsched_client_find", _text(host_key, "host_key"))

    def client_name(self, client: ClientId) -> str:
        """The display name of a client; NotFoundError if there is none."""
        return self._call_string("engsched_client_name", _id(client, "client"))

    def user_upsert(
        self,
        host_key: str,
        display_name: str,
        role: RoleLike,
        *,
        email: Optional[str],
        all_clients: bool,
        actor: UserId,
    ) -> UserId:
        """Create or update a user keyed by the host's own key; returns its id.

        ``email`` (None: none) is where invitations go; ``all_clients``
        gives access to every client, present and future, instead of the
        grants of :meth:`access_grant`. ``actor`` needs ADMIN (or is
        :data:`SYSTEM`). The display name becomes the CN of invitations, so
        names iCalendar cannot carry (RFC 6868 ``^^``, ``^n``, ``^'``, a
        trailing backslash) are InvalidError; NotFoundError for an unknown
        role or actor."""
        return UserId(self._call_id(
            "engsched_user_upsert",
            _id(actor, "actor"),
            _text(host_key, "host_key"),
            _opt_text(email, "email"),
            _text(display_name, "display_name"),
            _id(role, "role"),
            1 if all_clients else 0,
        ))

    def user_find(self, host_key: str) -> Optional[UserId]:
        """The id of the user with this host key, or None."""
        return self._find(UserId, "engsched_user_find", _text(host_key, "host_key"))

    def user_info(self, user: UserId) -> UserInfo:
        """A user's directory entry (a copy); NotFoundError if there is none."""
        key, email, name = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        role, flags = ctypes.c_int64(), ctypes.c_uint()
        with self._handle() as db:
            self._check(db, self._lib.engsched_user_info(
                db, _id(user, "user"), ctypes.byref(key), ctypes.byref(email),
                ctypes.byref(name), ctypes.byref(role), ctypes.byref(flags)))
            try:
                texts = [_str(ctypes.string_at(p.value)) if p.value else ""
                         for p in (key, email, name)]
            finally:
                for p in (key, email, name):
                    self._lib.engsched_free(p.value)
        return UserInfo(UserId(int(user)), texts[0], texts[1], texts[2], RoleId(role.value),
                        bool(flags.value & 1))

    def role_permissions(self, role: RoleLike) -> Permission:
        """The permission mask of a role; NotFoundError if there is none."""
        out = ctypes.c_uint()
        self._call("engsched_role_permissions", _id(role, "role"), ctypes.byref(out))
        return Permission(out.value)

    def user_permissions(self, user: UserId) -> Permission:
        """A user's effective permissions (their role's mask); NotFoundError
        for no such user."""
        out = ctypes.c_uint()
        self._call("engsched_user_permissions", _id(user, "user"), ctypes.byref(out))
        return Permission(out.value)

    def access_grant(self, user: UserId, client: ClientId, *, actor: UserId) -> None:
        """Give a user access to a client's engagements (idempotent).
        ``actor``: ADMIN or :data:`SYSTEM`; DeniedError, NotFoundError."""
        self._call(
            "engsched_access_grant", _id(actor, "actor"), _id(user, "user"),
            _id(client, "client"),
        )

    def access_revoke(self, user: UserId, client: ClientId, *, actor: UserId) -> None:
        """Take a user's access to a client away (idempotent). ``actor``:
        ADMIN or :data:`SYSTEM`; DeniedError, NotFoundError."""
        self._call(
            "engsched_access_revoke", _id(actor, "actor"), _id(user, "user"),
            _id(client, "client"),
        )

    def role_create(self, name: str, permissions: Permission, *, actor: UserId) -> RoleId:
        """Create a custom role with a :class:`Permission` mask; returns its id.
        ExistsError for a name in use, InvalidError for unknown bits,
        DeniedError without ADMIN."""
        return RoleId(self._call_id(
            "engsched_role_create",
            _id(actor, "actor"),
            _text(name, "name"),
            _uint(permissions, "permissions"),
        ))

    def role_set_permissions(
        self, role: RoleLike, permissions: Permission, *, actor: UserId
    ) -> None:
        """Change the permissions of any role, built-in or custom (ADMIN);
        it applies to every user of the role at once."""
        self._call(
            "engsched_role_set_permissions",
            _id(actor, "actor"),
            _id(role, "role"),
            _uint(permissions, "permissions"),
        )

    def role_find(self, name: str) -> Optional[RoleId]:
        """The id of the role with this name, or None."""
        return self._find(RoleId, "engsched_role_find", _text(name, "name"))

    def _find(self, kind: Callable[[int], _Id], name: str, key: bytes) -> Optional[_Id]:
        try:
            return kind(self._call_id(name, key))
        except NotFoundError:
            return None

    # --- settings -----------------------------------------------------------

    def setting_get(self, key: str) -> str:
        """A tenant setting (its default if never set); InvalidError for an
        unknown key (docs/design.md lists them)."""
        return self._call_string("engsched_setting_get", _text(key, "key"))

    def setting_set(self, key: str, value: str, *, actor: UserId) -> None:
        """Change a tenant setting (ADMIN or :data:`SYSTEM`); writes a
        ``settings.changed`` event. InvalidError for an unknown key or a bad
        value."""
        self._call(
            "engsched_setting_set", _id(actor, "actor"), _text(key, "key"),
            _text(value, "value"),
        )
