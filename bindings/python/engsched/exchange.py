"""Export and import as a stream from Python (include/engsched/export.h).

:meth:`ExchangeMixin.export_to` writes the export document to a binary
file object as the library makes it, and :meth:`ExchangeMixin.import_from`
reads one from a file object, so a store of any size moves through a file
without the document being held in memory. An administrator's export
imported into an empty store restores it exactly (docs/json.md).
"""

from __future__ import annotations

import ctypes
from typing import IO, Any, List

from . import _lib
from ._args import _id
from ._core import _Core
from .ids import UserId

__all__ = ["ExchangeMixin"]


class ExchangeMixin(_Core):
    """Streamed export and import; part of :class:`~engsched.Scheduler`."""



    def export_to(self, file: IO[bytes], actor: UserId, *, secrets: bool = False) -> None:
        """Write everything ``actor`` may see to the binary file object
        ``file`` (anything with ``write(bytes)``), as export_json() gives it.

        ``secrets=True`` (ADMIN) includes ``webhook_secret`` in clear. An
        exception ``file.write`` raises stops the export and is raised
        again here; what was written by then is to be discarded.
        """
        who = _id(actor, "actor")
        opts = _lib.ExportOptions()
        rc = self._lib.engsched_export_options_init(ctypes.byref(opts), _lib.EXPORT_OPTIONS_VERSION)
        if rc != 0:
            raise RuntimeError("engsched_export_options_init refused version 1")
        if secrets:
            opts.flags |= _lib.EXPORT_SECRETS
        failure: List[BaseException] = []

        def write(ctx: Any, data: int, length: int) -> int:
            try:
                file.write(ctypes.string_at(data, length))
                return 0
            except BaseException as exc:  # handed back below, never through C
                failure.append(exc)
                return -1

        callback = _lib.WRITE_FN(write)
        with self._handle() as db:
            rc = self._lib.engsched_export(db, who, ctypes.byref(opts), callback, None)
            if failure:
                raise failure[0]
            self._check(db, rc)

    def import_from(self, file: IO[bytes], actor: UserId) -> int:
        """Import an export document read from the binary file object
        ``file`` (anything with ``read(n)``), all or nothing; returns how
        many engagements were imported. ``actor`` is named explicitly:
        an ADMIN, or ``SYSTEM``."""
        who = _id(actor, "actor")
        failure: List[BaseException] = []

        def read(ctx: Any, buf: int, size: int) -> int:
            try:
                data = file.read(size)
                if data and not isinstance(data, (bytes, bytearray)):
                    raise TypeError("file.read() must return bytes")
                ctypes.memmove(buf, data, len(data))
                return len(data)
            except BaseException as exc:
                failure.append(exc)
                return -1

        callback = _lib.READ_FN(read)
        out = ctypes.c_uint()
        with self._handle() as db:
            rc = self._lib.engsched_import(db, who, callback, None, ctypes.byref(out))
            if failure:
                raise failure[0]
            self._check(db, rc)
        return out.value
