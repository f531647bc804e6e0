#!/usr/bin/env python3
"""check_python_version.py SOURCE_DIR

The Python package's engsched.__version__, as the imported package reports
it, must equal the one version of the project (SOURCE_DIR/VERSION). Exit 77
(skip) when the package defines no __version__. Run with PYTHONPATH at
bindings/python and ENGSCHED_LIBRARY at the library just built.
"""
import os
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_python_version.py SOURCE_DIR", file=sys.stderr)
        return 2
    with open(os.path.join(sys.argv[1], "VERSION"), encoding="ascii") as f:
        want = f.readline().strip()
    import engsched  # noqa: E402  (after the argument check)

    have = getattr(engsched, "__version__", None)
    if have is None:
        print("skipped: engsched has no __version__")
        return 77
    if have != want:
        print(f"FAIL: engsched.__version__ is {have!r}, VERSION says {want!r}")
        return 1
    print(f"OK: engsched.__version__ {have} equals VERSION")
    return 0


if __name__ == "__main__":
    sys.exit(main())
