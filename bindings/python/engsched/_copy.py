"""Copies out of C objects into the immutable models (engsched.models)."""

from __future__ import annotations

import ctypes
import datetime
from typing import Any, List, Optional, Tuple

from . import _lib
from ._args import _day, _enum, _opt_utc, _str, _utc
from .enums import (
    OperatorRole,
    Response,
    ReportStatus,
    Status,
    WorkKind,
)
from .errors import error_for
from .ids import ClientId, EngagementId, ReportId, UserId
from .models import (
    Assignment,
    Engagement,
    Row,
    WorkItem,
)


def _response(lib: Any, e: Any, i: int) -> Tuple[Response, Optional[datetime.datetime]]:
    """The operator's answer of a snapshot; NONE from a library without it."""
    if not lib.has("engsched_engagement_operator_response"):
        return Response.NONE, None
    value, at = ctypes.c_int(), ctypes.c_int64()
    rc = lib.engsched_engagement_operator_response(e, i, ctypes.byref(value), ctypes.byref(at))
    if rc != 0:
        raise error_for(rc, f"operator {i} of the snapshot: {_str(lib.engsched_rc_describe(rc))}")
    return _enum(Response, value.value), _opt_utc(at.value)


def _copy_engagement(lib: Any, e: Any) -> Engagement:
    operators = []
    for i in range(lib.engsched_engagement_operator_count(e)):
        user, role, by, at = _lib.c_id(), ctypes.c_int(), _lib.c_id(), ctypes.c_int64()
        rc = lib.engsched_engagement_operator(
            e, i, ctypes.byref(user), ctypes.byref(role), ctypes.byref(by), ctypes.byref(at)
        )
        if rc != 0:
            raise error_for(rc, f"operator {i} of the snapshot: {_str(lib.engsched_rc_describe(rc))}")
        ws, we = ctypes.c_char_p(), ctypes.c_char_p()
        percent, tentative = ctypes.c_int(), ctypes.c_int()
        rc = lib.engsched_engagement_operator_allocation(
            e, i, ctypes.byref(ws), ctypes.byref(we), ctypes.byref(percent),
            ctypes.byref(tentative))
        if rc != 0:
            raise error_for(rc, f"operator {i} of the snapshot: {_str(lib.engsched_rc_describe(rc))}")
        response, responded_at = _response(lib, e, i)
        operators.append(Assignment(UserId(user.value), _enum(OperatorRole, role.value),
                                    UserId(by.value), _utc(at.value), _day(ws.value),
                                    _day(we.value), percent.value, bool(tentative.value),
                                    response, responded_at))
    report = lib.engsched_engagement_report(e)
    return Engagement(
        id=EngagementId(lib.engsched_engagement_id(e)),
        client=ClientId(lib.engsched_engagement_client(e)),
        requested_by=UserId(lib.engsched_engagement_requested_by(e)),
        name=_str(lib.engsched_engagement_name(e)),
        description=_str(lib.engsched_engagement_description(e)),
        type=_str(lib.engsched_engagement_type(e)),
        location=_str(lib.engsched_engagement_location(e)),
        contacts=_str(lib.engsched_engagement_contacts(e)),
        custom_fields_json=_str(lib.engsched_engagement_custom_fields(e)) or "{}",
        start=_day(lib.engsched_engagement_start(e)),
        end=_day(lib.engsched_engagement_end(e)),
        status=_enum(Status, lib.engsched_engagement_status(e)),
        cancel_reason=_str(lib.engsched_engagement_cancel_reason(e)),
        version=lib.engsched_engagement_version(e),
        created_at=_utc(lib.engsched_engagement_created_at(e)),
        updated_at=_utc(lib.engsched_engagement_updated_at(e)),
        report=ReportId(report) if report else None,
        report_status=_enum(ReportStatus, lib.engsched_engagement_report_status(e)),
        report_title=_str(lib.engsched_engagement_report_title(e)),
        operators=tuple(operators),
        recurrence=_str(lib.engsched_engagement_recurrence(e)),
        origin=_opt_engagement(lib.engsched_engagement_origin(e)),
    )


def _opt_engagement(value: int) -> Optional[EngagementId]:
    return EngagementId(value) if value else None


def _copy_tags(lib: Any, lst: Any) -> Tuple[str, ...]:
    return tuple(
        _str(lib.engsched_tag_list_item(lst, i)) for i in range(lib.engsched_tag_list_count(lst))
    )


def _copy_work(lib: Any, lst: Any) -> List[WorkItem]:
    items = []
    responses = lib.has("engsched_work_list_item_response")
    for i in range(lib.engsched_work_list_count(lst)):
        kind, wid, status = ctypes.c_int(), _lib.c_id(), ctypes.c_int()
        label, start, end = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
        rc = lib.engsched_work_list_item(
            lst, i, ctypes.byref(kind), ctypes.byref(wid), ctypes.byref(label),
            ctypes.byref(start), ctypes.byref(end), ctypes.byref(status),
        )
        percent, tentative = ctypes.c_int(), ctypes.c_int()
        if rc == 0:
            rc = lib.engsched_work_list_item_allocation(lst, i, ctypes.byref(percent),
                                                        ctypes.byref(tentative))
        if rc != 0:
            raise error_for(rc, f"work item {i}: {_str(lib.engsched_rc_describe(rc))}")
        items.append(WorkItem(
            kind=_enum(WorkKind, kind.value),
            id=wid.value,
            label=_str(label.value),
            start=_day(start.value),
            end=_day(end.value),
            status=_enum(Status, status.value) if status.value else None,
            user=UserId(lib.engsched_work_list_item_user(lst, i)),
            percent=percent.value,
            tentative=bool(tentative.value),
            response=_enum(Response, lib.engsched_work_list_item_response(lst, i))
            if responses else Response.NONE,
        ))
    return items


def _copy_row(lib: Any, cur: Any) -> Row:
    return Row(
        id=EngagementId(lib.engsched_cursor_id(cur)),
        client=ClientId(lib.engsched_cursor_client(cur)),
        name=_str(lib.engsched_cursor_name(cur)),
        start=_day(lib.engsched_cursor_start(cur)),
        end=_day(lib.engsched_cursor_end(cur)),
        status=_enum(Status, lib.engsched_cursor_status(cur)),
        report_status=_enum(ReportStatus, lib.engsched_cursor_report_status(cur)),
        version=lib.engsched_cursor_version(cur),
        updated_at=_utc(lib.engsched_cursor_updated_at(cur)),
    )
