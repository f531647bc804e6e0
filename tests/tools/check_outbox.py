#!/usr/bin/python3
"""Check the invitation mails the library really sent (the integration test
writes them to DIR) with Python's email package and python3-vobject.

    check_outbox.py DIR

Every DIR/*.eml must parse without defects under email.policy.strict, have
the iMIP structure (multipart/mixed holding multipart/alternative with
text/plain then text/calendar, and an application/ics attachment), and the
method= parameter of the text/calendar part must equal the METHOD inside
it. Exit 0 when all pass, 1 on a failure, 77 (skip) without vobject.
"""
import email
import email.policy
import os
import sys

try:
    import vobject
except ImportError:
    print("python3-vobject is not installed: skipped")
    sys.exit(77)


def check(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    for name in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
        assert msg[name], f"missing {name}"
    assert msg.get_content_type() == "multipart/mixed", msg.get_content_type()
    parts = list(msg.iter_parts())
    assert parts[0].get_content_type() == "multipart/alternative"
    inner = list(parts[0].iter_parts())
    assert [p.get_content_type() for p in inner] == ["text/plain", "text/calendar"]
    calendar = inner[1]
    ics = calendar.get_content()
    cal = vobject.readOne(ics, validate=True)
    inside = cal.method.value
    assert calendar.get_param("method") == inside, (calendar.get_param("method"), inside)
    attachment = parts[1]
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode("utf-8") == ics
    event = cal.vevent
    assert event.uid.value and event.sequence.value is not None
    return inside


def main():
    folder = sys.argv[1]
    names = sorted(n for n in os.listdir(folder) if n.endswith(".eml"))
    if not names:
        print(f"no .eml files in {folder}")
        return 1
    methods = {}
    for name in names:
        try:
            method = check(os.path.join(folder, name))
        except Exception as exc:  # report every kind of failure the same way
            print(f"{name}: {type(exc).__name__}: {exc}")
            return 1
        methods[method] = methods.get(method, 0) + 1
    print(f"{len(names)} mails checked: {methods}")
    return 0 if {"REQUEST", "CANCEL"} <= set(methods) else 1


if __name__ == "__main__":
    sys.exit(main())
