#!/usr/bin/python3
"""The story corpus through python3-vobject and Python's email package.

    check_corpus.py DIR

Every NNN-*.eml is checked line by line and parsed with email.policy.strict
(a defect raises) and email.policy.default, with the rules of
tests/tools/check_mail.py: its MIME tree (RFC 6047), its To and From names
and address decoded as the story passed them, its Subject holding the
SUMMARY, method= equal to METHOD, the attachment equal to the calendar
part. That part and every NNN-*.ics is checked byte by byte and parsed with
vobject.readComponents(validate=True) (tests/tools/check_ics_vobject.py),
and its METHOD, events, dates and decoded texts compared with the manifest
(corpus.py). Exit 0 when all pass, 1 on a failure, 77 (skipped) when
vobject is not installed.
"""
import email
import email.header
import email.policy
import email.utils
import sys

import corpus
from check_ics_vobject import check_bytes, rfc6868, vobject  # exits 77 without vobject
from check_mail import check_leaf, check_lines, header_raw, no_defects


def values(component, name):
    return [p.value for p in component.contents.get(name.lower(), [])]


def cn_values(component, name):
    return [rfc6868(p.params["CN"][0]) for p in component.contents.get(name.lower(), [])
            if "CN" in p.params]


def check_calendar(raw, spec):
    check_bytes(raw)
    cals = list(vobject.readComponents(raw.decode("utf-8"), validate=True))
    assert len(cals) == 1, f"{len(cals)} objects"
    cal = cals[0]
    cal.validate(raiseException=True)
    assert cal.name == "VCALENDAR", cal.name
    events = []
    for ev in cal.contents.get("vevent", []):
        ev.validate(raiseException=True)
        texts = {n: values(ev, n) for n in ("SUMMARY", "DESCRIPTION", "LOCATION")}
        texts["ORGANIZER:CN"] = cn_values(ev, "ORGANIZER")
        texts["ATTENDEE:CN"] = cn_values(ev, "ATTENDEE")
        events.append({"texts": texts, "start": ev.dtstart.value, "end": ev.dtend.value})
    texts = {n: values(cal, n) for n in corpus.CALENDAR_TEXTS}
    corpus.compare_calendar(texts, cal.method.value, events, spec)


def decoded_name(raw, field):
    [(encoded, addr)] = email.utils.getaddresses([header_raw(raw, field)])
    return str(email.header.make_header(email.header.decode_header(encoded))), addr


def check_message(raw, spec, policy):
    msg = email.message_from_bytes(raw, policy=policy)
    for part in msg.walk():
        no_defects(part, part.get_content_type())
    assert msg.get_content_type() == "multipart/mixed", msg.get_content_type()
    alt, attachment = msg.get_payload()
    assert alt.get_content_type() == "multipart/alternative", alt.get_content_type()
    text, calendar = alt.get_payload()
    check_leaf(text, "text/plain", "text part")
    check_leaf(calendar, "text/calendar", "calendar part")
    check_leaf(attachment, "application/ics", "attachment")
    assert calendar.get_param("method") == spec["method"], calendar.get_param("method")
    assert attachment.get_content().decode("utf-8") == calendar.get_content(), \
        "the attachment differs from the calendar part"

    to = msg["To"].addresses
    assert [a.addr_spec for a in to] == [spec["to_email"]], to
    name, addr = decoded_name(raw, "To")
    assert (name, addr) == (spec["to_name"], spec["to_email"]), (name, addr)
    name, _ = decoded_name(raw, "From")
    assert name == spec["from_name"], (name, spec["from_name"])
    summary = spec["events"][0]["texts"]["SUMMARY"]
    assert summary in str(msg["Subject"]), (str(msg["Subject"]), summary)
    return calendar.get_payload(decode=True)


def check(entry):
    if entry.is_mail:
        check_lines(entry.raw)
        for policy in (email.policy.strict, email.policy.default):
            ics = check_message(entry.raw, entry.spec, policy)
    else:
        ics = entry.raw
    check_calendar(ics, entry.spec)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(corpus.run(sys.argv[1], check))
