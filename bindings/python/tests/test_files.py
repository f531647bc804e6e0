"""Support files as bytes or file objects, read whole or as a stream."""

from __future__ import annotations

from datetime import date
import io
import os
import shutil
import unittest

from _fixture import FixtureTestCase, temp_dir

from engsched import (
    SYSTEM,
    DeniedError,
    FileReader,
    InvalidError,
    MisuseError,
    NotFoundError,
    StateError,
    TooBigError,
)

BLOB = bytes(range(256)) * 300  # 76800 bytes: more than one 64 KiB chunk


class FilesTest(FixtureTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.eid = self.f.request("Files", date(2026, 4, 1), date(2026, 4, 3))

    def test_every_kind_of_data(self) -> None:
        f, s = self.f, self.s
        path = os.path.join(temp_dir(self), "disk.bin")
        with open(path, "wb") as fh:
            fh.write(BLOB)
        with open(path, "rb") as on_disk:
            eid = s.request(
                f.client_user, name="Kinds", client=f.acme, start=date(2026, 4, 1),
                end=date(2026, 4, 2),
                files=[
                    ("bytes.bin", "application/octet-stream", b"bytes"),
                    ("bytearray.bin", None, bytearray(b"bytearray")),
                    ("memoryview.bin", None, memoryview(b"xxmemoryview")[2:]),
                    ("bytesio.bin", "application/x-test", io.BytesIO(b"bytesio")),
                    ("disk.bin", on_disk),
                    ("empty.txt", "text/plain", b""),
                ],
            )
        infos = s.files(f.client_user, eid)
        got = {i.name: s.read_file(f.client_user, i.id) for i in infos}
        self.assertEqual(got, {
            "bytes.bin": b"bytes",
            "bytearray.bin": b"bytearray",
            "memoryview.bin": b"memoryview",
            "bytesio.bin": b"bytesio",
            "disk.bin": BLOB,
            "empty.txt": b"",
        })
        media = {i.name: i.media_type for i in infos}
        self.assertEqual(media["bytearray.bin"], "application/octet-stream")
        self.assertEqual(media["bytesio.bin"], "application/x-test")
        self.assertEqual({i.name: i.size for i in infos}["disk.bin"], len(BLOB))

    def test_text_files_and_other_types_are_refused(self) -> None:
        f, s = self.f, self.s
        with self.assertRaises(TypeError):
            s.file_attach(f.client_user, self.eid, "a.txt", io.StringIO("text"))
        with self.assertRaises(TypeError):
            s.file_attach(f.client_user, self.eid, "a.txt", "text")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            s.request(f.client_user, name="x", client=f.acme, start=date(2026, 4, 1),
                      end=date(2026, 4, 2), files=["a.txt"])  # type: ignore[list-item]
        with self.assertRaises(InvalidError) as cm:
            s.file_attach(f.client_user, self.eid, "../etc/passwd", b"x")
        self.assertIn("name", cm.exception.message)
        self.assertEqual(s.files(f.client_user, self.eid), [])

    def test_attach_stream_and_delete(self) -> None:
        f, s = self.f, self.s
        fid = s.file_attach(f.client_user, self.eid, "report.bin", io.BytesIO(BLOB),
                            "application/octet-stream")
        self.assertEqual(s.read_file(f.manager, fid, chunk_size=1000), BLOB)

        with s.open_file(f.manager, fid) as stream:
            self.assertIsInstance(stream, FileReader)
            self.assertIsInstance(stream, io.RawIOBase)
            self.assertTrue(stream.readable())
            self.assertFalse(stream.writable())
            self.assertEqual(stream.read(3), BLOB[:3])
            self.assertEqual(stream.tell(), 3)
            stream.seek(256)
            self.assertEqual(stream.read(4), BLOB[256:260])
            stream.seek(-4, io.SEEK_CUR)
            self.assertEqual(stream.read(), BLOB[256:])
            self.assertEqual(stream.read(10), b"")
            with self.assertRaises(io.UnsupportedOperation):
                stream.seek(0, io.SEEK_END)
        with self.assertRaises(ValueError):
            stream.read(1)

        out = io.BytesIO()
        with io.BufferedReader(s.open_file(f.manager, fid), buffer_size=4096) as buffered:
            shutil.copyfileobj(buffered, out, 1000)
        self.assertEqual(out.getvalue(), BLOB)

        with self.assertRaises(DeniedError):
            s.read_file(f.viewer, fid)
        with self.assertRaises(DeniedError):
            s.file_delete(f.client_user, fid)
        s.file_delete(f.manager, fid)
        with self.assertRaises(NotFoundError):
            s.read_file(f.manager, fid)
        with self.assertRaises(NotFoundError):
            s.open_file(f.manager, fid).read()

    def test_limits_are_too_big_and_store_nothing(self) -> None:
        f, s = self.f, self.s
        s.setting_set("file_max_bytes", "10", actor=SYSTEM)
        with self.assertRaises(TooBigError) as cm:
            s.file_attach(f.client_user, self.eid, "big.bin", b"x" * 11)
        self.assertEqual(cm.exception.code_name, "ENGSCHED_ETOOBIG")
        self.assertEqual(s.files(f.client_user, self.eid), [])
        s.file_attach(f.client_user, self.eid, "small.bin", b"x" * 10)

    def test_no_files_on_a_canceled_engagement(self) -> None:
        f, s = self.f, self.s
        s.cancel(f.manager, self.eid, version=None)
        with self.assertRaises(StateError):
            s.file_attach(f.client_user, self.eid, "late.txt", b"late")

    def test_a_stream_outliving_its_scheduler_raises(self) -> None:
        f, s = self.f, self.s
        fid = s.file_attach(f.client_user, self.eid, "a.bin", b"abcdef")
        stream = s.open_file(f.manager, fid)
        self.assertEqual(stream.read(2), b"ab")
        s.close()
        with self.assertRaises(MisuseError):
            stream.read(2)
        stream.close()


if __name__ == "__main__":
    unittest.main()
