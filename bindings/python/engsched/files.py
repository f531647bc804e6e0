"""Support files: attach, list, read (whole or as a stream) and delete
(include/engsched/engsched.h).

:class:`~engsched.Scheduler` derives from the mixin here; scheduler.py
holds the handle itself.
"""

from __future__ import annotations

import ctypes
import io
from typing import Any, List, Optional

from . import _lib
from ._args import _file_bytes, _id, _int, _opt_text, _str, _text, _utc
from ._core import FileData, _Core
from .models import FileInfo
from .ids import EngagementId, FileId, UserId

__all__ = ["FilesMixin", "FileReader"]

_READ_CHUNK = 64 * 1024


class FilesMixin(_Core):
    """Support files; part of :class:`~engsched.Scheduler`."""

    def file_attach(
        self,
        actor: UserId,
        engagement: EngagementId,
        name: str,
        data: FileData,
        media_type: Optional[str] = None,
    ) -> FileId:
        """Attach a support file (bytes or a binary file object) to an
        engagement (FILES_UPLOAD and access to its client); returns its id.
        ``media_type`` None leaves it unknown. TooBigError past the tenant's
        size limit."""
        args = (_id(actor, "actor"), _id(engagement, "engagement"), _text(name, "name"),
                _opt_text(media_type, "media_type"))
        content = _file_bytes(data, "data")
        return FileId(self._call_id("engsched_file_attach", *args, content, len(content)))

    def files(self, actor: UserId, engagement: EngagementId) -> List[FileInfo]:
        """The support files of an engagement, oldest first (metadata only;
        FILES_DOWNLOAD is checked when reading)."""
        actor, engagement = _id(actor, "actor"), _id(engagement, "engagement")
        lib = self._lib
        lst = _lib.FileListP()
        with self._handle() as db:
            self._check(db, lib.engsched_file_list_get(db, actor, engagement,
                                                       ctypes.byref(lst)))
            try:
                result: List[FileInfo] = []
                for i in range(lib.engsched_file_list_count(lst)):
                    fid, size, by, at = (_lib.c_id(), ctypes.c_int64(), _lib.c_id(),
                                         ctypes.c_int64())
                    name, media = ctypes.c_char_p(), ctypes.c_char_p()
                    self._check(db, lib.engsched_file_list_item(
                        lst, i, ctypes.byref(fid), ctypes.byref(name), ctypes.byref(media),
                        ctypes.byref(size), ctypes.byref(by), ctypes.byref(at)))
                    result.append(FileInfo(FileId(fid.value), _str(name.value),
                                           _str(media.value), size.value, UserId(by.value),
                                           _utc(at.value)))
                return result
            finally:
                lib.engsched_file_list_free(lst)

    def _file_read(self, actor: UserId, file: FileId, offset: int, size: int) -> bytes:
        buf = ctypes.create_string_buffer(size)
        got = ctypes.c_size_t()
        self._call("engsched_file_read", actor, file, offset, buf, size, ctypes.byref(got))
        return buf.raw[: got.value]

    def read_file(self, actor: UserId, file: FileId, *, chunk_size: int = _READ_CHUNK) -> bytes:
        """The whole content of a support file (FILES_DOWNLOAD), read in
        chunks of ``chunk_size`` bytes."""
        actor, file = _id(actor, "actor"), _id(file, "file")
        chunk_size = _int(chunk_size, "chunk_size", 1, 1 << 30)
        parts: List[bytes] = []
        offset = 0
        while True:
            part = self._file_read(actor, file, offset, chunk_size)
            if not part:
                return b"".join(parts)
            parts.append(part)
            offset += len(part)

    def open_file(self, actor: UserId, file: FileId) -> "FileReader":
        """A read-only binary stream over a support file (checked on first read)."""
        return FileReader(self, _id(actor, "actor"), _id(file, "file"))

    def file_delete(self, actor: UserId, file: FileId) -> None:
        """Delete a support file (the FILES_DELETE action of
        :meth:`capabilities`); NotFoundError if there is none."""
        self._call("engsched_file_delete", _id(actor, "actor"), _id(file, "file"))


class FileReader(io.RawIOBase):
    """A read-only binary stream over one support file, read through
    engsched_file_read() as the caller asks; seekable from the start or the
    current position."""

    def __init__(self, scheduler: FilesMixin, actor: UserId, file: FileId) -> None:
        super().__init__()
        self._scheduler = scheduler
        self._actor = actor
        self._file = file
        self._pos = 0

    @property
    def file_id(self) -> FileId:
        """The support file's id."""
        return self._file

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        offset = _int(offset, "offset")
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        else:
            raise io.UnsupportedOperation("seek from the end: the size is in files()")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._pos = target
        return target

    def readinto(self, buffer: Any) -> int:
        self._check_open()
        view = memoryview(buffer).cast("B")
        if len(view) == 0:
            return 0
        data = self._scheduler._file_read(self._actor, self._file, self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        parts: List[bytes] = []
        while True:
            part = self.read(_READ_CHUNK)
            if not part:
                return b"".join(parts)
            parts.append(part)

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")
