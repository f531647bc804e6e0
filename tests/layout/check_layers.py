#!/usr/bin/env python3
"""check_layers.py — the shape of lib/ (docs/design.md, "Architecture").

  check_layers.py LIBDIR [OBJECT.o ...]
  check_layers.py --self-test

Fails (exit 1, one line per finding) when:
  - a source or header lies outside the layer folders;
  - a file includes a file of a layer above its own ("includes point down");
  - a file calls a function defined in a layer above its own, read from the
    symbols of the compiled objects (nm), so a call through a header that
    was declared in the wrong place is caught too;
  - files call each other in a loop (a strongly connected component of the
    file-level call graph with more than one file);
  - a file is longer than MAX_LINES.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

# Bottom to top. A file may include and call its own folder and those below.
LAYERS = ["util", "rules", "calendar", "storage", "core", "views", "delivery", "json", "ops"]
RANK = {name: i for i, name in enumerate(LAYERS)}
MAX_LINES = 900
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    top = rel.split("/", 1)[0]
    return top if top in RANK and "/" in rel else None


def sources(libdir):
    for root, _, files in os.walk(libdir):
        for f in files:
            if f.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(root, f), libdir)


def check_files(libdir, problems):
    for rel in sorted(sources(libdir)):
        layer = layer_of(rel)
        if layer is None:
            problems.append(f"{rel}: outside the layer folders ({', '.join(LAYERS)})")
            continue
        with open(os.path.join(libdir, rel), encoding="utf-8") as f:
            text = f.read()
        lines = text.count("\n")
        if lines > MAX_LINES:
            problems.append(f"{rel}: {lines} lines, more than {MAX_LINES}")
        for inc in INCLUDE.findall(text):
            target = layer_of(inc)
            if target is None:
                problems.append(f"{rel}: includes \"{inc}\", which is not rooted at a layer")
            elif RANK[target] > RANK[layer]:
                problems.append(f"{rel}: includes \"{inc}\" of {target}/, above {layer}/")


def object_source(obj, libdir):
    """lib/CMakeFiles/<target>.dir/core/txn.c.o -> core/txn.c"""
    path = obj.replace(os.sep, "/")
    m = re.search(r"\.dir/(.+\.c)\.o(bj)?$", path)
    if m:
        rel = m.group(1)
        return rel
    return os.path.relpath(obj, libdir)[:-2] + ".c" if obj.endswith(".o") else obj


def call_graph(objects, libdir):
    defined, used = {}, collections.defaultdict(set)
    for obj in objects:
        src = object_source(obj, libdir)
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBR":
                defined[parts[2]] = src
            elif len(parts) == 2 and parts[0] == "U":
                used[src].add(parts[1])
    edges = collections.defaultdict(set)
    for src, symbols in used.items():
        for sym in symbols:
            dst = defined.get(sym)
            if dst is not None and dst != src:
                edges[src].add(dst)
    return edges


def loops(edges):
    """Tarjan's strongly connected components with more than one node."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return found


def check_calls(objects, libdir, problems):
    edges = call_graph(objects, libdir)
    for src in sorted(edges):
        for dst in sorted(edges[src]):
            a, b = layer_of(src), layer_of(dst)
            if a and b and RANK[b] > RANK[a]:
                problems.append(f"{src}: calls into {dst}, of {b}/ above {a}/")
    for comp in loops(edges):
        problems.append("files call each other in a loop: " + " -> ".join(comp))
    return sum(len(v) for v in edges.values())


def run(libdir, objects):
    problems = []
    check_files(libdir, problems)
    edges = check_calls(objects, libdir, problems) if objects else 0
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} layering problem(s)")
        return 1
    print(f"layers hold: {len(list(sources(libdir)))} files, {edges} call edges "
          f"between files, no upward include or call, no loop")
    return 0


def self_test():
    """The checks catch what they are for: an upward include, an upward
    call, a loop of calls, a long file and a stray file."""
    cc = os.environ.get("CC", "cc")

    def tree(files):
        d = tempfile.mkdtemp(prefix="layers-")
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        return d

    def objects(d, rels):
        out = []
        for rel in rels:
            obj = os.path.join(d, "obj.dir", rel + ".o")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            subprocess.run([cc, "-c", "-I", d, "-o", obj, os.path.join(d, rel)], check=True)
            out.append(obj)
        return out

    cases = {
        "upward include": ({"util/a.c": '#include "core/b.h"\n', "core/b.h": ""}, []),
        "stray file": ({"loose.c": "int x;\n"}, []),
        "long file": ({"util/a.c": "\n" * (MAX_LINES + 1)}, []),
        "upward call": ({"util/a.c": "int b(void);\nint a(void) { return b(); }\n",
                         "core/b.c": "int b(void) { return 1; }\n"},
                        ["util/a.c", "core/b.c"]),
        "loop": ({"core/a.c": "int b(void);\nint a(void) { return b(); }\n",
                  "core/b.c": "int a(void);\nint b(void) { return a(); }\n"},
                 ["core/a.c", "core/b.c"]),
    }
    failed = 0
    for name, (files, objs) in cases.items():
        d = tree(files)
        with open(os.devnull, "w") as devnull:
            saved, sys.stdout = sys.stdout, devnull
            try:
                rc = run(d, objects(d, objs))
            finally:
                sys.stdout = saved
        print(f"{'ok' if rc == 1 else 'MISSED'}: {name}")
        failed += rc != 1
    good = tree({"util/a.c": "int a(void) { return 1; }\n",
                 "core/b.c": '#include "util/a.h"\nint a(void);\nint b(void) { return a(); }\n',
                 "util/a.h": ""})
    with open(os.devnull, "w") as devnull:
        saved, sys.stdout = sys.stdout, devnull
        try:
            rc = run(good, objects(good, ["util/a.c", "core/b.c"]))
        finally:
            sys.stdout = saved
    print(f"{'ok' if rc == 0 else 'WRONG'}: a well-layered tree passes")
    failed += rc != 0
    print("self-test passed" if not failed else f"FAIL: self-test, {failed} case(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(run(sys.argv[1], sys.argv[2:]))
