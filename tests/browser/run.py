"""ctest entry point: exit 77 (skipped) when a tool the tests need is
absent, else run the named pytest file. CI installs everything."""

import importlib
import os
import shutil
import sys

SKIP = 77


def missing(browser: bool) -> str:
    modules = ["flask", "pytest"] + (["selenium"] if browser else [])
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            return f"python module {name} (Debian: python3-{name})"
    if browser:
        for tool in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
            if not os.access(tool, os.X_OK):
                return f"{tool} (Debian: chromium chromium-driver)"
    return ""


def main() -> int:
    test_file = sys.argv[1]
    absent = missing("browser" in os.path.basename(test_file))
    if absent:
        print(f"skipped: {absent} is not installed")
        return SKIP
    import pytest

    return int(pytest.main(["-q", "-p", "no:cacheprovider", test_file]))


if __name__ == "__main__":
    sys.exit(main())
