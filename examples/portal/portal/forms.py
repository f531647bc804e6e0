"""Reading form fields and URL parts: every parse error is a BadInput
(400) that names the field, before anything reaches the library.

Ids become the bindings' typed ids (``EngagementId``, ``UserId``, ...)
here and nowhere else: the rest of the portal only ever holds typed ids.
"""

import datetime
from typing import List, Optional, Tuple

from flask import request

from engsched import ClientId, EngagementId, FileId, OperatorRole, UserId

from .errors import BadInput

#: ids and versions are C int64 values: a larger number would not fit
_INT64_MAX = (1 << 63) - 1


def _whole(text: str) -> Optional[int]:
    """A whole number in ASCII digits that fits an int64, else None; int()
    alone would also take " 7", "+7", "1_000" and other scripts' digits."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= _INT64_MAX else None


def _id(text: str, what: str) -> int:
    """A positive id (0 names no row: it is the system actor's)."""
    value = _whole(text)
    if not value:
        raise BadInput(f"{what}: {text!r} is not an id")
    return value


def engagement_id(text: str, what: str = "engagement") -> EngagementId:
    """An engagement id from a URL or form field."""
    return EngagementId(_id(text, what))


def user_id(text: str, what: str = "user") -> UserId:
    """A user id from a URL or form field."""
    return UserId(_id(text, what))


def client_id(text: str, what: str = "client") -> ClientId:
    """A client id from a URL or form field."""
    return ClientId(_id(text, what))


def file_id(text: str, what: str = "file") -> FileId:
    """A support file's id from a URL or form field."""
    return FileId(_id(text, what))


def field(name: str) -> str:
    """A form field's raw text, empty when absent."""
    return request.form.get(name, "")


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


def version(name: str = "version") -> int:
    """The engagement version the form showed (a whole number)."""
    raw = field(name)
    value = _whole(raw)
    if value is None:
        raise BadInput(f"{name}: {raw!r} is not a number")
    return value


def operators() -> List[Tuple[UserId, OperatorRole]]:
    """The ticked operators with their role (``operator`` ids, ``role_<id>``)."""
    picked = []
    for raw in request.form.getlist("operator"):
        uid = user_id(raw, "operator")
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
