#!/usr/bin/python3
"""Check the iCalendar samples of ics_samples with python3-vobject.

    check_ics_vobject.py DIR

Every DIR/NAME.ics is checked byte by byte (RFC 5545 section 3.1), parsed
with vobject.readComponents(validate=True), validated again, and compared
with the inputs in DIR/NAME.ics.json. vobject shares no code with libical or
the library. Exit 0 when all pass, 1 on a failure, 77 (skipped) when
vobject is not installed.
"""
import datetime
import json
import os
import re
import sys
import urllib.parse

try:
    import vobject
except ImportError:
    print("python3-vobject is not installed: skipped")
    sys.exit(77)

UTC = datetime.timezone.utc


def check_bytes(raw):
    """CRLF only, lines <= 75 octets, each line valid UTF-8 on its own,
    no control characters except tab, continuation lines start with
    one space."""
    assert raw.endswith(b"\r\n"), "no final CRLF"
    lines = raw[:-2].split(b"\r\n")
    for n, line in enumerate(lines, 1):
        assert b"\r" not in line and b"\n" not in line, f"line {n}: bare CR or LF"
        assert 0 < len(line) <= 75, f"line {n}: {len(line)} octets"
        text = line.decode("utf-8")  # raises on a split character
        for ch in text:
            assert ch == "\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F), \
                f"line {n}: control character {ord(ch):#x}"


def rfc6868(value):
    """Decode RFC 6868 parameter encoding (vobject does not)."""
    return re.sub(r"\^(\^|n|N|')",
                  lambda m: {"^": "^", "n": "\n", "N": "\n", "'": '"'}[m.group(1)], value)


def text_of(value):
    """The library turns CRLF and a lone CR into LF in TEXT values."""
    return re.sub(r"\r\n|\r", "\n", value)


def mailto(email):
    """RFC 6068: percent-encode what a mailto: URI must not hold raw."""
    return "mailto:" + urllib.parse.quote(email, safe="!$&'*+=@")


def display(name):
    """The CN the library writes: each '"' made U+201C and U+201D in turn."""
    out, opening = [], True
    for ch in name:
        if ch == '"':
            out.append("\u201c" if opening else "\u201d")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def one(component, name):
    items = component.contents.get(name.lower(), [])
    assert len(items) == 1, f"{name}: {len(items)} times"
    return items[0]


def check_address(prop, email, name):
    assert prop.value == mailto(email), (prop.value, email)
    cn = prop.params.get("CN")
    if name:
        assert cn is not None and len(cn) == 1, f"CN: {cn!r}"
        assert rfc6868(cn[0]) == display(name), (cn, name)
    else:
        assert cn is None, f"unexpected CN {cn!r}"


def check_event(ev, want, method):
    ev.validate(raiseException=True)
    expected = {"uid", "sequence", "dtstamp", "dtstart", "dtend", "summary", "transp",
                "status"}
    if want["description"]:
        expected.add("description")
    if want["url"]:
        expected.add("url")
    if want["organizer_email"]:
        expected.add("organizer")
    if method != "PUBLISH":
        expected.add("attendee")
    assert set(ev.contents) == expected, sorted(set(ev.contents) ^ expected)
    assert not list(ev.components()), "nested components"
    for name in expected:
        one(ev, name)

    assert ev.uid.value == want["uid"]
    assert int(ev.sequence.value) == want["sequence"]

    stamp = ev.dtstamp.value
    assert isinstance(stamp, datetime.datetime), type(stamp)
    assert stamp.utcoffset() == datetime.timedelta(0), stamp
    assert stamp == datetime.datetime.fromtimestamp(want["dtstamp"], UTC)

    start, end = ev.dtstart.value, ev.dtend.value
    for prop, value in ((ev.dtstart, start), (ev.dtend, end)):
        # a date, not a date-time, and said so
        assert type(value) is datetime.date, type(value)
        assert prop.params.get("VALUE") == ["DATE"], prop.params
    assert start == datetime.date.fromisoformat(want["start_day"]), ("DTSTART", start)
    assert end == datetime.date.fromisoformat(want["end_day"]) + datetime.timedelta(days=1), \
        ("DTEND is not the day after the last day", end, want["end_day"])

    assert ev.summary.value == text_of(want["summary"]), (ev.summary.value, want["summary"])
    if want["description"]:
        assert ev.description.value == text_of(want["description"])
    if want["url"]:
        assert ev.url.value == want["url"]
    assert ev.transp.value == "OPAQUE"
    assert ev.status.value == ("CANCELLED" if want["cancelled"] else "CONFIRMED")
    if want["organizer_email"]:
        check_address(ev.organizer, want["organizer_email"], want["organizer_name"])
    if method != "PUBLISH":
        att = ev.attendee
        check_address(att, want["attendee_email"], want["attendee_name"])
        assert att.params.get("ROLE") == ["REQ-PARTICIPANT"], att.params
        assert att.params.get("PARTSTAT") == ["NEEDS-ACTION"], att.params
        assert att.params.get("RSVP") == ["TRUE"], att.params


def check_file(path, spec):
    with open(path, "rb") as f:
        raw = f.read()
    check_bytes(raw)
    cals = list(vobject.readComponents(raw.decode("utf-8"), validate=True))
    assert len(cals) == 1, f"{len(cals)} objects"
    cal = cals[0]
    cal.validate(raiseException=True)
    assert cal.name == "VCALENDAR"
    assert set(cal.contents) <= {"prodid", "version", "method", "vevent"}, sorted(cal.contents)
    assert one(cal, "METHOD").value == spec["method"]
    assert one(cal, "VERSION").value == "2.0"
    assert one(cal, "PRODID").value.startswith("-//libengsched//engsched ")
    events = cal.contents.get("vevent", [])
    assert len(events) == len(spec["events"]), (len(events), len(spec["events"]))
    for ev, want in zip(events, spec["events"]):
        check_event(ev, want, spec["method"])


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} DIR", file=sys.stderr)
        return 2
    folder = sys.argv[1]
    names = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".ics"))
    if not names:
        print(f"no .ics files in {folder}", file=sys.stderr)
        return 1
    failed = 0
    for name in names:
        with open(os.path.join(folder, name + ".ics.json"), encoding="utf-8") as f:
            spec = json.load(f)
        try:
            check_file(os.path.join(folder, name + ".ics"), spec)
            print(f"ok   {name}.ics")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {name}.ics: {type(e).__name__}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
