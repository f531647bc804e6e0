"""Every refusal as a page with the library's message and a fitting HTTP
status. The mapping of error classes to statuses lives here and only here.
"""

import logging
from typing import Dict, Tuple, Type

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from engsched import (
    BusyError,
    ConflictError,
    DeniedError,
    EngschedError,
    ExistsError,
    InvalidError,
    NotFoundError,
    StateError,
    TooBigError,
)

log = logging.getLogger(__name__)


class BadInput(Exception):
    """Input the portal itself refuses before calling the library (a date
    that is not a date, a version that is not a number): HTTP 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


#: library error class -> HTTP status; the first match wins (subclasses first)
STATUS_BY_ERROR: Tuple[Tuple[Type[EngschedError], int], ...] = (
    (InvalidError, 400),
    (DeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (StateError, 409),
    (ExistsError, 409),
    (TooBigError, 413),
    (BusyError, 503),
)

TITLES: Dict[int, str] = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    500: "Something went wrong",
    503: "Busy",
}


def status_for(error: EngschedError) -> int:
    """The HTTP status of a library error (500 for codes a user cannot cause)."""
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


def error_page(status: int, message: str) -> ResponseReturnValue:
    """The one error page: a title, the message, a way back."""
    title = TITLES.get(status, "Error")
    return render_template("error.html", status=status, title=title, message=message), status


def _library_error(error: EngschedError) -> ResponseReturnValue:
    status = status_for(error)
    if status == 500:
        log.error("library error %s: %s", error.code_name, error.message)
        return error_page(500, "The schedule store could not answer; try again later.")
    return error_page(status, error.message)


def _bad_input(error: BadInput) -> ResponseReturnValue:
    return error_page(400, error.message)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if status == 413:
        return error_page(413, "The upload is larger than the schedule's file limit allows.")
    return error_page(status, str(error.description or TITLES.get(status, "Error")))


def _unexpected(error: Exception) -> ResponseReturnValue:
    # The trace goes to the log, never to the page.
    log.exception("unexpected error", exc_info=error)
    return error_page(500, "The portal failed to answer this request.")


def register(app: Flask) -> None:
    """Install the handlers on the app."""
    app.register_error_handler(EngschedError, _library_error)
    app.register_error_handler(BadInput, _bad_input)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
