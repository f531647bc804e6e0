"""Shared by the portal tests: a fresh seeded store in a temp directory and
the app over it. PYTHONPATH carries bindings/python and examples/portal
(tests/browser/CMakeLists.txt); seed.py is imported from examples/portal."""

import datetime
import importlib.util
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional

PORTAL_DIR = Path(__file__).resolve().parents[2] / "examples" / "portal"


def load_seed() -> Any:
    """examples/portal/seed.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("portal_seed", PORTAL_DIR / "seed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seeded_store(directory: str, settings: Optional[Dict[str, str]] = None) -> str:
    """A new demo store in ``directory``; ``settings`` are set as SYSTEM after seeding."""
    from engsched import SYSTEM, Scheduler

    path = os.path.join(directory, "portal.db")
    load_seed().seed(path, datetime.date.today())
    if settings:
        with Scheduler.open(path) as s:
            for key, value in settings.items():
                s.setting_set(key, value, actor=SYSTEM)
    return path


def temp_dir() -> "tempfile.TemporaryDirectory[str]":
    """A scratch directory under ctest's tmp dir when it gives one."""
    return tempfile.TemporaryDirectory(dir=os.environ.get("ENGSCHED_TEST_TMPDIR"))
