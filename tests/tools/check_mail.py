#!/usr/bin/python3
"""Check the iMIP samples of ics_samples with Python's email package.

    check_mail.py DIR

Every DIR/NAME.eml is parsed with email.policy.strict (a defect raises)
and email.policy.default, its MIME tree is walked and compared with the
structure RFC 6047 messages of the library must have, its decoded headers
and bodies with the inputs in DIR/NAME.eml.json, and the METHOD inside the
text/calendar part (parsed with vobject when available) with the part's
method= parameter. Exit 0 when all pass, 1 on a failure.
"""
import datetime
import email
import email.header
import email.policy
import email.utils
import json
import os
import re
import sys

try:
    import vobject
except ImportError:  # the METHOD line is then found by hand
    vobject = None


def check_lines(raw):
    """CRLF only, 7-bit, no line over 998; header lines <= 78, every
    line after the header block <= 76 (base64 bodies, part headers)."""
    assert raw.endswith(b"\r\n"), "no final CRLF"
    in_headers = True
    for n, line in enumerate(raw[:-2].split(b"\r\n"), 1):
        assert b"\r" not in line and b"\n" not in line, f"line {n}: bare CR or LF"
        assert all(0x20 <= b < 0x7F for b in line), f"line {n}: not printable ASCII"
        assert len(line) <= 998, f"line {n}: {len(line)}"
        if not line:
            in_headers = False
        limit = 78 if in_headers else 76
        assert len(line) <= limit, f"line {n}: {len(line)} > {limit}: {line[:40]!r}"


def crlf(text):
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def method_inside(ics):
    if vobject is not None:
        cal = vobject.readOne(ics, validate=True)
        return cal.method.value
    unfolded = re.sub(r"\r\n[ \t]", "", ics)
    found = [line[7:] for line in unfolded.split("\r\n") if line.upper().startswith("METHOD:")]
    assert len(found) == 1, found
    return found[0]


def header_raw(raw, name):
    """The unfolded value of a top-level header, as written."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    head = re.sub(r"\r\n(?=[ \t])", "", head)
    values = [line[len(name) + 1:].strip() for line in head.split("\r\n")
              if line.lower().startswith(name.lower() + ":")]
    assert len(values) == 1, (name, values)
    return values[0]


def no_defects(part, what):
    assert not part.defects, f"{what}: {part.defects}"
    for name, value in part.items():
        defects = getattr(value, "defects", ())
        assert not defects, f"{what}: header {name}: {defects}"


def check_leaf(part, content_type, what):
    assert part.get_content_type() == content_type, (what, part.get_content_type())
    assert part["Content-Transfer-Encoding"] == "base64", what
    assert not part.is_multipart(), what
    no_defects(part, what)


def check_message(raw, spec, policy):
    msg = email.message_from_bytes(raw, policy=policy)
    no_defects(msg, "message")
    for p in msg.walk():
        no_defects(p, p.get_content_type())

    # Headers: order, values decoded as the inputs.
    names = [k for k in msg.keys()]
    assert names == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                     "Content-Type"], names
    assert str(msg["Subject"]) == spec["subject"], (str(msg["Subject"]), spec["subject"])
    for field in ("from", "to"):
        header = msg[field.capitalize()]
        want_name = spec[field + "_name"] or ""
        assert len(header.addresses) == 1, header.addresses
        addr = header.addresses[0]
        assert addr.addr_spec == spec[field + "_email"], (addr.addr_spec, spec[field + "_email"])
        # RFC 2047 section 6.2: white space between adjacent encoded-words is
        # ignored. email.headerregistry keeps it in display names (it does
        # in unstructured headers such as Subject), so its display_name is
        # compared only when there is at most one encoded-word; the RFC
        # decoding of email.header.decode_header is compared always.
        raw_value = header_raw(raw, field.capitalize())
        if raw_value.count("=?") <= 1:
            assert addr.display_name == want_name, (addr.display_name, want_name)
        [(encoded_name, addr_spec)] = email.utils.getaddresses([raw_value])
        assert addr_spec == spec[field + "_email"], addr_spec
        decoded = str(email.header.make_header(email.header.decode_header(encoded_name)))
        assert decoded == want_name, (decoded, want_name)
    date = msg["Date"]
    assert str(date).endswith(" +0000"), str(date)
    assert date.datetime == datetime.datetime.fromtimestamp(spec["date"],
                                                            datetime.timezone.utc)
    assert msg["Message-ID"] == f"<{spec['message_id']}@{spec['domain']}>", msg["Message-ID"]
    assert msg["MIME-Version"] == "1.0"

    # Structure: mixed { alternative { text/plain, text/calendar }, application/ics }.
    assert msg.get_content_type() == "multipart/mixed"
    outer = msg.get_payload()
    assert len(outer) == 2, len(outer)
    alt, attachment = outer
    assert alt.get_content_type() == "multipart/alternative"
    assert alt.get_boundary() != msg.get_boundary()
    inner = alt.get_payload()
    assert len(inner) == 2, len(inner)
    text, calendar = inner

    check_leaf(text, "text/plain", "text part")
    assert text.get_content_charset() == "utf-8"
    assert text.get_content() == crlf(spec["text"]), (text.get_content(), spec["text"])

    check_leaf(calendar, "text/calendar", "calendar part")
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_param("method") == spec["method"], ("method=", calendar.get_param("method"))
    ics = calendar.get_content()
    assert ics == spec["ics"], "calendar part differs from the ics"
    assert method_inside(ics) == calendar.get_param("method"), "method= is not the METHOD"

    check_leaf(attachment, "application/ics", "attachment")
    assert attachment.is_attachment()
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_content().decode("utf-8") == spec["ics"]

    # The boundaries occur only on their own lines.
    text_raw = raw.decode("ascii")
    for b in (msg.get_boundary(), alt.get_boundary()):
        for m in re.finditer(re.escape(b), text_raw):
            line_start = text_raw.rfind("\r\n", 0, m.start()) + 2
            line = text_raw[line_start:text_raw.find("\r\n", m.start())]
            assert line in (f"--{b}", f"--{b}--") or line.startswith("Content-Type: "), line


def check_file(path, spec):
    with open(path, "rb") as f:
        raw = f.read()
    check_lines(raw)
    for policy in (email.policy.strict, email.policy.default):
        check_message(raw, spec, policy)


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} DIR", file=sys.stderr)
        return 2
    folder = sys.argv[1]
    names = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".eml"))
    if not names:
        print(f"no .eml files in {folder}", file=sys.stderr)
        return 1
    failed = 0
    for name in names:
        with open(os.path.join(folder, name + ".eml.json"), encoding="utf-8") as f:
            spec = json.load(f)
        try:
            check_file(os.path.join(folder, name + ".eml"), spec)
            print(f"ok   {name}.eml")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {name}.eml: {type(e).__name__}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
