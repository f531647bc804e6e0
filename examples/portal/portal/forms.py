"""Reading form fields: every parse error is a BadInput (400) that names
the field, before anything reaches the library."""

import datetime
from typing import List, Optional, Tuple

from flask import request

from engsched import OperatorRole

from .errors import BadInput


def text(name: str) -> Optional[str]:
    """A text field, None when absent or blank."""
    value = request.form.get(name, "").strip()
    return value or None


def date(name: str) -> datetime.date:
    """A required ISO date field."""
    raw = request.form.get(name, "").strip()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"{name}: {raw!r} is not a date (YYYY-MM-DD)") from None


def number(name: str) -> int:
    """A required whole number (an id, a version)."""
    raw = request.form.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"{name}: {raw!r} is not a number") from None
    if value < 0:
        raise BadInput(f"{name}: {raw!r} is not a number")
    return value


def operators() -> List[Tuple[int, OperatorRole]]:
    """The ticked operators with their role (``operator`` ids, ``role_<id>``)."""
    picked = []
    for raw in request.form.getlist("operator"):
        try:
            uid = int(raw)
        except ValueError:
            raise BadInput(f"operator: {raw!r} is not a user id") from None
        role_name = request.form.get(f"role_{uid}", "none").upper()
        try:
            role = OperatorRole[role_name]
        except KeyError:
            raise BadInput(f"role: {role_name.lower()!r} is not an operator role") from None
        picked.append((uid, role))
    return picked


def files() -> List[Tuple[str, str, bytes]]:
    """The uploaded files as (name, media type, content)."""
    result = []
    for upload in request.files.getlist("files"):
        if not upload.filename:
            continue  # the empty file input of a form sent without a file
        media = upload.mimetype or "application/octet-stream"
        result.append((upload.filename, media, upload.read()))
    return result
