#!/usr/bin/python3
"""The story corpus through python3-icalendar, a second Python parser that
shares no code with vobject, libical or the library.

    check_icalendar.py DIR

Every NNN-*.ics, and the text/calendar part of every NNN-*.eml, is parsed
with icalendar.Calendar.from_ical(); no component may record a parse error,
and METHOD, events, dates and decoded texts are compared with the manifest
(corpus.py). icalendar 4 leaves RFC 6868 parameter encoding as written, so
CN values are decoded with check_ics_vobject.rfc6868. Exit 0 when all pass,
1 on a failure, 77 (skipped) when icalendar is not installed.
"""
import datetime
import sys

try:
    import icalendar
except ImportError:
    print("python3-icalendar is not installed: skipped")
    sys.exit(77)

import corpus
from check_ics_vobject import rfc6868


def texts_of(component, names):
    out = {}
    for name in names:
        value = component.get(name)
        items = value if isinstance(value, list) else [] if value is None else [value]
        out[name] = [str(v) for v in items]
    return out


def cns(component, name):
    value = component.get(name)
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [rfc6868(v.params["CN"]) for v in items if "CN" in v.params]


def as_day(prop):
    value = prop.dt
    assert type(value) is datetime.date, f"{type(value).__name__}, not a date"
    return value


def check(entry):
    cal = icalendar.Calendar.from_ical(entry.calendar_bytes())
    assert cal.name == "VCALENDAR", cal.name
    for component in cal.walk():
        assert not component.errors, f"{component.name}: {component.errors}"
    events = []
    for ev in cal.walk("VEVENT"):
        texts = texts_of(ev, ("SUMMARY", "DESCRIPTION", "LOCATION"))
        texts["ORGANIZER:CN"] = cns(ev, "ORGANIZER")
        texts["ATTENDEE:CN"] = cns(ev, "ATTENDEE")
        events.append({"texts": texts, "start": as_day(ev["DTSTART"]),
                       "end": as_day(ev["DTEND"])})
    corpus.compare_calendar(texts_of(cal, corpus.CALENDAR_TEXTS), str(cal.get("METHOD")),
                            events, entry.spec)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(corpus.run(sys.argv[1], check))
