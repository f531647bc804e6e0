#!/bin/sh
# bench-smoke: the benchmark at 10,000 engagements, as a check that it runs
# to the end and writes JSON that an independent parser reads; the times it
# prints are not checked. Usage: smoke.sh <engsched-bench> <scratch dir>
set -eu
bench=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir"
"$bench" --scale 10000 --db "$dir/store.db" --json "$dir/bench.json" --budget 0.2 --quiet
/usr/bin/python3 - "$dir/bench.json" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
assert doc["benchmark"] == "engsched-bench" and doc["scale"] == 10000, doc
names = {r["name"] for r in doc["results"]}
for want in ("list.first.all", "list.deep.all", "calendar.month", "availability.month",
             "request.single", "request.batched", "approve.two_operators", "edit", "report_status",
             "invitation.mail", "tick"):
    assert want in names, want
    r = next(r for r in doc["results"] if r["name"] == want)
    assert r["library"] and r["library"]["n"] > 0, want
assert doc["peak_rss_kib"] > 0
print("bench-smoke: %d results, JSON valid" % len(doc["results"]))
PY
rm -rf "$dir"
