"""The story corpus (story_corpus DIR), as the Python checkers read it.

Every NNN-<label>.eml or .ics with its manifest NNN-<label>.json, in the
order the library produced them; the calendar text of a mail is its
text/calendar part. compare_calendar() and compare_event() hold the rules
shared by the parsers: each parser turns what it read into plain values
(decoded text properties, dates) and these compare them with the manifest,
which holds what the story passed in.
"""
import datetime
import email
import email.policy
import json
import os
import sys

# The checkers of tests/tools (check_ics_vobject.py, check_mail.py) are
# reused, not copied.
TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

# Text properties a parser decodes, as the manifests name them.
EVENT_TEXTS = ("SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER:CN", "ATTENDEE:CN")
CALENDAR_TEXTS = ("X-WR-CALNAME", "NAME")
# Written today wherever the manifest expects them; LOCATION and
# DESCRIPTION are compared when written.
REQUIRED = ("SUMMARY", "ORGANIZER:CN", "ATTENDEE:CN")


class Entry:
    def __init__(self, folder, name):
        self.name = name
        self.path = os.path.join(folder, name)
        with open(self.path, "rb") as f:
            self.raw = f.read()
        with open(self.path[:-4] + ".json", encoding="utf-8") as f:
            self.spec = json.load(f)
        self.is_mail = name.endswith(".eml")
        self.index = self.spec["index"]

    def calendar_bytes(self):
        """The iCalendar object: the file, or the mail's text/calendar part."""
        if not self.is_mail:
            return self.raw
        msg = email.message_from_bytes(self.raw, policy=email.policy.default)
        parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1, f"{len(parts)} text/calendar parts"
        return parts[0].get_payload(decode=True)

    def calendar_text(self):
        return self.calendar_bytes().decode("utf-8")


def load(folder):
    names = sorted(n for n in os.listdir(folder)
                   if n[:1].isdigit() and n.endswith((".eml", ".ics")))
    if not names:
        raise SystemExit(f"no .eml or .ics files in {folder}")
    return [Entry(folder, n) for n in names]


def day(text):
    return datetime.date.fromisoformat(text)


def match_events(got, spec):
    """Pairs (parsed, expected) by SUMMARY, the one text every event has."""
    wanted = list(spec["events"])
    assert len(got) == spec["expect_events"] == len(wanted), \
        f"{len(got)} VEVENTs, the story expects {spec['expect_events']}"
    pairs = []
    for ev in got:
        summary = ev["texts"].get("SUMMARY", [None])
        found = [w for w in wanted if [w["texts"]["SUMMARY"]] == summary]
        assert found, f"SUMMARY {summary!r} is none the story expects: " \
                      f"{[w['texts']['SUMMARY'] for w in wanted]}"
        wanted.remove(found[0])
        pairs.append((ev, found[0]))
    return pairs


def compare_texts(got, expected, names, contains=None, required=()):
    """got: name -> list of decoded values; expected: name -> value or None
    (present, value the library's choice)."""
    contains = contains or {}
    for name in names:
        values = got.get(name, [])
        if name in contains:
            if not values:
                continue
            assert len(values) == 1, f"{name}: {len(values)} values"
            for part in contains[name]:
                assert part in values[0], f"{name} {values[0]!r} does not contain {part!r}"
            continue
        if name not in expected:
            assert not values, f"{name} {values!r}: the story expects none"
            continue
        want = expected[name]
        if not values:
            assert name not in required, f"{name} missing, the story expects {want!r}"
            continue
        assert len(values) == 1, f"{name}: {len(values)} values {values!r}"
        if want is not None:
            assert values[0] == want, f"{name} decodes to {values[0]!r}, the story passed {want!r}"


def compare_event(ev, want):
    """ev: {"texts": {name: [values]}, "start": date, "end": date (DTEND)}"""
    compare_texts(ev["texts"], want["texts"], EVENT_TEXTS, want.get("contains"),
                  [r for r in REQUIRED if r in want["texts"]])
    assert ev["start"] == day(want["start"]), ("DTSTART", ev["start"], want["start"])
    assert ev["end"] == day(want["end"]) + datetime.timedelta(days=1), \
        ("DTEND is not the day after the last day", ev["end"], want["end"])


def compare_calendar(texts, method, events, spec):
    """texts: calendar-level name -> [values]; events: parsed events."""
    assert method == spec["method"], f"METHOD:{method}, the story expects {spec['method']}"
    compare_texts(texts, spec["texts"], CALENDAR_TEXTS)
    names = [v for n in CALENDAR_TEXTS for v in texts.get(n, [])]
    assert len(set(names)) <= 1, f"NAME and X-WR-CALNAME differ: {names!r}"
    for ev, want in match_events(events, spec):
        compare_event(ev, want)


def run(folder, check):
    """check(entry) raises on a failure; every file is reported."""
    failed = 0
    entries = load(folder)
    for entry in entries:
        try:
            check(entry)
            print(f"ok   {entry.name}")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {entry.name}: {type(e).__name__}: {e}")
    print(f"{failed} of {len(entries)} files failed")
    return 1 if failed else 0
