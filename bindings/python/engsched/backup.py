"""Backup and restore from Python (include/engsched/backup.h).

:meth:`BackupMixin.backup` copies a live SQLite store into a new file as
one snapshot while other handles keep writing; :func:`restore` checks a
backup and copies it to a new store. Neither ever replaces a file nor
leaves half a copy behind (docs/backup.md). PostgreSQL stores are backed
up with ``pg_dump -Fc`` instead (UnsupportedError here).
"""

from __future__ import annotations

import ctypes
import os
from typing import Any, Optional, Union

from . import _lib
from ._args import _id, _uint
from ._core import _Core
from .errors import error_for
from .ids import UserId

__all__ = ["BackupMixin", "restore"]

PathLike = Union[str, "os.PathLike[str]"]


def _path(value: Any, what: str) -> bytes:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what}: expected str or os.PathLike, got {type(value).__name__}")
    raw = os.fsencode(value)
    if b"\0" in raw:
        raise ValueError(f"{what}: must not contain NUL")
    return raw


def _options(lib: Any, pages_per_step: Optional[int],
             sleep_ms: Optional[int]) -> _lib.BackupOptions:
    opts = _lib.BackupOptions()
    rc = lib.engsched_backup_options_init(ctypes.byref(opts), _lib.BACKUP_OPTIONS_VERSION)
    if rc != 0:
        raise error_for(rc, "engsched_backup_options_init refused version 1")
    if pages_per_step is not None:
        opts.pages_per_step = _uint(pages_per_step, "pages_per_step")
    if sleep_ms is not None:
        opts.sleep_ms = _uint(sleep_ms, "sleep_ms")
    return opts


def restore(backup: PathLike, dest: PathLike, *, pages_per_step: Optional[int] = None,
            sleep_ms: Optional[int] = None) -> None:
    """Check the backup file ``backup`` and copy it to the new store ``dest``.

    Raises ExistsError if ``dest`` exists, CorruptError for a file that is
    not a libengsched store or is damaged, NotFoundError for a missing
    backup; nothing is left at ``dest`` then. Open the result with
    :meth:`Scheduler.open`.
    """
    lib = _lib.get()
    raw_backup, raw_dest = _path(backup, "backup"), _path(dest, "dest")
    opts = _options(lib, pages_per_step, sleep_ms)
    rc = lib.engsched_restore(raw_backup, raw_dest, ctypes.byref(opts))
    if rc != 0:
        message = lib.engsched_open_errmsg()
        raise error_for(rc, message.decode("utf-8", "replace") if message else "")


class BackupMixin(_Core):
    """An online backup of the open store; part of :class:`~engsched.Scheduler`."""



    def backup(self, dest: PathLike, actor: UserId, *, pages_per_step: Optional[int] = None,
               sleep_ms: Optional[int] = None) -> None:
        """Copy the store into the new file ``dest`` (``actor``: an ADMIN, or
        SYSTEM, named explicitly: a host that forgets it gets an error, not
        system rights).

        The copy is the store as it was when the call began; other handles
        go on writing meanwhile. ``pages_per_step`` pages (default 256) are
        copied at a time, ``sleep_ms`` (default 5) apart. ExistsError if
        ``dest`` exists, DeniedError for a non-admin, UnsupportedError on
        PostgreSQL (use ``pg_dump -Fc``).
        """
        raw_dest = _path(dest, "dest")
        who = _id(actor, "actor")
        opts = _options(self._lib, pages_per_step, sleep_ms)
        with self._handle() as db:
            self._check(db, self._lib.engsched_backup(db, who, raw_dest, ctypes.byref(opts)))
