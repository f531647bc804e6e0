#!/usr/bin/env python3
"""Compile and run the complete programs shown in a Markdown guide.

    run_doc_examples.py --markdown docs/x.md --workdir DIR --cc CC
                        --include DIR --library LIB [--cflag F ...]
                        [--python PY] [--no-python REASON]
    run_doc_examples.py --self-test --workdir DIR ...   (same tool options)

A complete program is a fenced block that
  - is ```c and contains `int main(`: compiled with the project's strict
    flags against the public headers and the shared library, then run;
  - is ```python, imports engsched (`import engsched` or
    `from engsched import ...`) and has no `...` placeholder: run with the
    given interpreter (the environment of the Python binding tests comes
    from ctest).
Each runs in an empty directory of its own (a store it writes lands there)
and must exit 0. Shell blocks and fragments are never run. A complete
program that cannot run standalone is skipped when the line right before
its fence is `<!-- not-run: reason -->`; the reason is printed.

Exit status: 0 all ran and passed (or there was nothing to run), 1 a
program failed, 2 usage, 77 everything was skipped.

--self-test runs the checker over generated guides and fails unless a good
program passes and a broken one (compile error, nonzero exit, Python
exception) fails, so the gate is known to close.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

FENCE = re.compile(r"^```\s*([A-Za-z0-9_+-]*)\s*$")
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(.*?)\s*-->\s*$")
IMPORTS_ENGSCHED = re.compile(r"^\s*(import\s+engsched\b|from\s+engsched(\.\w+)*\s+import\b)", re.M)
# `...` as a token: a placeholder line (`...`, `# ...`, `f(...)`), not a
# string that happens to contain three dots.
PLACEHOLDER = re.compile(r"(^|[\s(\[,#])\.\.\.($|[\s)\],])", re.M)
STRICT_CFLAGS = ["-Wall", "-Wextra", "-Werror", "-std=c11", "-D_POSIX_C_SOURCE=200809L"]
RUN_TIMEOUT = 60


def blocks(text):
    """Yield (line number of the fence, language, body, line before the fence)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1).lower()
        before = lines[i - 1] if i > 0 else ""
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        yield start + 1, lang, "\n".join(body) + "\n", before


def program_kind(lang, body):
    """'c', 'python' or None (not a complete program)."""
    if lang == "c" and "int main(" in body:
        return "c"
    if lang in ("python", "py") and IMPORTS_ENGSCHED.search(body) and not PLACEHOLDER.search(body):
        return "python"
    return None


def run(cmd, cwd):
    """Run cmd in cwd; return (ok, output)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, "timed out after %d s" % RUN_TIMEOUT
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        return False, out + "(exit status %d)\n" % p.returncode
    return True, out


def run_c(args, body, where):
    src = os.path.join(where, "program.c")
    exe = os.path.join(where, "program")
    with open(src, "w", encoding="utf-8") as f:
        f.write(body)
    libdir = os.path.dirname(os.path.abspath(args.library))
    compile_cmd = ([args.cc] + STRICT_CFLAGS + args.cflag + ["-I", args.include, src, "-o", exe,
                   args.library, "-Wl,-rpath," + libdir])
    ok, out = run(compile_cmd, where)
    if not ok:
        return False, "does not compile:\n" + " ".join(compile_cmd) + "\n" + out
    ok, out = run([exe], where)
    return ok, out if ok else "compiled, but the program failed:\n" + out


def run_python(args, body, where):
    src = os.path.join(where, "program.py")
    with open(src, "w", encoding="utf-8") as f:
        f.write(body)
    ok, out = run([args.python, src], where)
    return ok, out if ok else "the program failed:\n" + out


def check_file(args, path, workdir):
    """Run every complete program of one guide; return the exit status."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    name = os.path.basename(path)
    ran = failed = skipped = 0
    for n, (line, lang, body, before) in enumerate(blocks(text), 1):
        kind = program_kind(lang, body)
        if kind is None:
            continue
        label = "%s:%d (block %d, %s)" % (name, line, n, kind)
        m = NOT_RUN.match(before)
        if m:
            print("SKIP %s: not-run: %s" % (label, m.group(1)))
            skipped += 1
            continue
        if kind == "python" and args.no_python:
            print("SKIP %s: %s" % (label, args.no_python))
            skipped += 1
            continue
        where = os.path.join(workdir, "block%d" % n)
        shutil.rmtree(where, ignore_errors=True)
        os.makedirs(where)
        ok, out = (run_c if kind == "c" else run_python)(args, body, where)
        ran += 1
        if ok:
            print("PASS %s" % label)
            sys.stdout.write("".join("    | " + l + "\n" for l in out.splitlines()))
        else:
            failed += 1
            print("FAIL %s: %s" % (label, out))
    print("%s: %d program(s) run, %d failed, %d skipped" % (name, ran, failed, skipped))
    if failed:
        return 1
    return 77 if skipped and not ran else 0


GOOD_C = """```c
#include <engsched/engsched.h>
int main(void)
{
    return engsched_status_label(ENGSCHED_STATUS_PENDING) ? 0 : 1;
}
```
"""
SELF_TEST_CASES = [
    # (name, guide text, expected exit status)
    ("good-c", GOOD_C, 0),
    ("no-program", "```c\nengsched_close(db);\n```\n```sh\nfalse\n```\n", 0),
    ("compile-error", GOOD_C.replace("return", "retur n"), 1),
    ("warning", GOOD_C.replace("{\n", "{\n    int unused;\n", 1), 1),
    ("exit-status", GOOD_C.replace("? 0 : 1", "? 3 : 1"), 1),
    ("good-python", "```python\nimport engsched\nassert engsched.Scheduler\n```\n", 0),
    ("python-raises", "```python\nimport engsched\nraise SystemExit(engsched.NoSuch)\n```\n", 1),
    ("python-placeholder", "```python\nimport engsched\n...\nraise SystemExit(1)\n```\n", 0),
    ("not-run", "<!-- not-run: needs a server -->\n" + GOOD_C.replace("return", "retur n"), 77),
]


def self_test(args):
    status = 0
    for name, text, expect in SELF_TEST_CASES:
        if args.no_python and "python" in name:
            continue
        path = os.path.join(args.workdir, name + ".md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        rc = check_file(args, path, os.path.join(args.workdir, name))
        verdict = "OK" if rc == expect else "FAIL"
        print("%s [%s]: exit status %d, expected %d\n" % (verdict, name, rc, expect))
        status |= rc != expect
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--markdown")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--cflag", action="append", default=[])
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--no-python", metavar="REASON")
    args = ap.parse_args()
    if bool(args.markdown) == args.self_test:
        ap.error("give exactly one of --markdown and --self-test")
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    if args.self_test:
        return self_test(args)
    return check_file(args, args.markdown, args.workdir)


if __name__ == "__main__":
    sys.exit(main())
