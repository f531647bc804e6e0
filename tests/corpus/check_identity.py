#!/usr/bin/python3
"""Rules across the files of the story corpus, one at a time.

    check_identity.py DIR RULE      check one rule (exit 0 or 1)
    check_identity.py DIR all       check every rule, report each
    check_identity.py --list        the rules

Each rule is what a calendar or a mail client relies on across messages;
several describe work still in progress in the library (docs/design.md §6,
"Not built yet") and fail until it lands. Calendars are read with
python3-vobject (exit 77 when it is not installed); what a file should
hold comes from its manifest (what the story passed in) and story.json
(the steps).
"""
import collections
import email
import email.policy
import json
import os
import sys

import corpus
from check_ics_vobject import rfc6868, vobject  # exits 77 without vobject


class Parsed:
    """One corpus file with its calendar read, events paired with the
    manifest's (by SUMMARY, as the parse checks do)."""

    def __init__(self, entry):
        self.entry = entry
        self.spec = entry.spec
        self.cal = vobject.readOne(entry.calendar_text())
        self.method = self.cal.method.value
        self.message_id = None
        if entry.is_mail:
            msg = email.message_from_bytes(entry.raw, policy=email.policy.default)
            self.message_id = str(msg["Message-ID"])
        got = self.cal.contents.get("vevent", [])
        wanted = list(self.spec["events"])
        self.events = []
        for ev in got:
            summary = ev.summary.value if "summary" in ev.contents else None
            match = [w for w in wanted if w["texts"]["SUMMARY"] == summary]
            if match:
                wanted.remove(match[0])
            self.events.append((ev, match[0] if match else None))

    def name(self):
        return self.entry.name


def value(ev, name, default=None):
    items = ev.contents.get(name.lower(), [])
    return items[0].value if items else default


def distinct_mails(files):
    """Mails in time order, a redelivery of the same bytes counted once."""
    seen, out = set(), []
    for f in files:
        if f.entry.is_mail and f.entry.raw not in seen:
            seen.add(f.entry.raw)
            out.append(f)
    return out


def invitation_key(want):
    return (want["series"], want["operator"])


# --- the rules: each returns a list of failure messages ---------------------

def message_ids_distinct(files, story):
    by_id = collections.defaultdict(list)
    for f in distinct_mails(files):
        by_id[f.message_id].append(f.name())
    return [f"Message-ID {mid} is shared by {len(names)} different messages: {', '.join(names)}"
            for mid, names in by_id.items() if len(names) > 1]


def uids_distinct_per_series(files, story):
    by_uid = collections.defaultdict(dict)
    for f in files:
        for ev, want in f.events:
            if want is not None:
                by_uid[value(ev, "UID")].setdefault(want["series"], f.name())
    return [f"UID {uid} is used by {len(series)} engagement series: " +
            "; ".join(f"{s} ({n})" for s, n in sorted(series.items()))
            for uid, series in by_uid.items() if len(series) > 1]


def sequence_rises(files, story):
    last, problems = {}, []
    for f in distinct_mails(files):
        for ev, _ in f.events:
            uid, seq = value(ev, "UID"), int(value(ev, "SEQUENCE", "0"))
            if uid in last and seq <= last[uid][0]:
                problems.append(f"UID {uid}: SEQUENCE {seq} in {f.name()} does not rise above "
                                f"{last[uid][0]} in {last[uid][1]}")
            last[uid] = (seq, f.name())
    return problems


def step(story, name):
    steps = story["steps"]
    for i, s in enumerate(steps):
        if s["step"] == name:
            end = steps[i + 1]["after_index"] if i + 1 < len(steps) else story["files"]
            return s, end
    raise AssertionError(f"story.json has no step {name}")


def organizer_kept_after_change(files, story):
    change, _ = step(story, "organizer-change")
    first = {}
    for f in files:
        if f.entry.is_mail:
            for _, want in f.events:
                first.setdefault(invitation_key(want), f.entry.index)
    problems = []
    for f in files:
        if f.spec["source"] == "feed" or f.entry.index <= change["after_index"]:
            continue
        for ev, want in f.events:
            if want is None or first.get(invitation_key(want), f.entry.index) > change["after_index"]:
                continue
            got = value(ev, "ORGANIZER", "")
            if got.lower() != "mailto:" + want["organizer_email"]:
                problems.append(f"{f.name()}: ORGANIZER {got}, but the series was first sent "
                                f"by mailto:{want['organizer_email']} before the organizer change")
    return problems


def rename_resends(files, story, name, what):
    rename, end = step(story, name)
    highest = collections.defaultdict(lambda: -1)
    for f in distinct_mails(files):
        if f.entry.index <= rename["after_index"]:
            for ev, want in f.events:
                if want is not None:
                    key = invitation_key(want)
                    highest[key] = max(highest[key], int(value(ev, "SEQUENCE", "0")))
    problems = []
    for owed in rename["owed"]:
        key = invitation_key(owed)
        sent = False
        for f in files:
            if not (rename["after_index"] < f.entry.index <= end and f.entry.is_mail):
                continue
            for ev, want in f.events:
                if want is None or invitation_key(want) != key or f.method != "REQUEST":
                    continue
                cn = [rfc6868(p.params["CN"][0]) for p in ev.contents.get("attendee", [])
                      if "CN" in p.params]
                sent |= (int(value(ev, "SEQUENCE", "0")) > highest[key] and
                         value(ev, "SUMMARY") == owed["SUMMARY"] and cn == [owed["ATTENDEE:CN"]])
        if not sent:
            problems.append(f"after the {what} rename, no REQUEST to {owed['operator']} for "
                            f"{owed['series']} with a SEQUENCE above {highest[key]} showing "
                            f"SUMMARY {owed['SUMMARY']!r} and CN {owed['ATTENDEE:CN']!r}")
    return problems


def client_rename_resends(files, story):
    return rename_resends(files, story, "client-rename", "client")


def operator_rename_resends(files, story):
    return rename_resends(files, story, "operator-rename", "operator")


def pending_is_tentative(files, story):
    problems = []
    for f in files:
        for ev, want in f.events:
            if want is None:
                continue
            got = value(ev, "STATUS")
            if want["status"] == "TENTATIVE" and got != "TENTATIVE":
                problems.append(f"{f.name()}: {want['series']} is Pending, STATUS is {got}")
            if want["status"] != "TENTATIVE" and got == "TENTATIVE":
                problems.append(f"{f.name()}: {want['series']} is not Pending, STATUS:TENTATIVE")
    return problems


def feeds(files):
    return [f for f in files if f.spec["source"] == "feed"]


def empty_feed_has_component(files, story):
    empty = [f for f in feeds(files) if f.spec["expect_events"] == 0]
    if not empty:
        return ["the corpus has no empty feed"]
    return [f"{f.name()}: an empty feed with no component (clients reject a VCALENDAR "
            f"without one, RFC 5545 section 3.6)"
            for f in empty if not list(f.cal.components())]


def feeds_have(files, prop):
    return [f"{f.name()}: no {prop}" for f in feeds(files) if prop.lower() not in f.cal.contents]


RULES = {
    "message-ids-distinct": message_ids_distinct,
    "uids-distinct-per-series": uids_distinct_per_series,
    "sequence-rises": sequence_rises,
    "organizer-kept-after-change": organizer_kept_after_change,
    "client-rename-resends": client_rename_resends,
    "operator-rename-resends": operator_rename_resends,
    "pending-is-tentative": pending_is_tentative,
    "empty-feed-has-component": empty_feed_has_component,
    "feeds-have-name": lambda files, story: feeds_have(files, "X-WR-CALNAME"),
    "feeds-have-refresh-interval": lambda files, story: feeds_have(files, "REFRESH-INTERVAL"),
}


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(RULES))
        return 0
    if len(sys.argv) != 3 or (sys.argv[2] not in RULES and sys.argv[2] != "all"):
        print(f"usage: {sys.argv[0]} DIR RULE|all, RULE one of: {', '.join(RULES)}",
              file=sys.stderr)
        return 2
    folder, which = sys.argv[1], sys.argv[2]
    with open(os.path.join(folder, "story.json"), encoding="utf-8") as f:
        story = json.load(f)
    files = [Parsed(e) for e in corpus.load(folder)]
    failed = 0
    for name, rule in RULES.items():
        if which not in ("all", name):
            continue
        problems = rule(files, story)
        print(f"{'FAIL' if problems else 'ok  '} {name}")
        for p in problems:
            print(f"     {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
