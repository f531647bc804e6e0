"""Loading libengsched and declaring every C prototype of engsched.h.

The library is found, in order, through:

1. the ``ENGSCHED_LIBRARY`` environment variable (a path to the shared
   object; if set, it must load — there is no silent fallback);
2. the build tree of the checkout this package lives in
   (``<root>/build/lib/libengsched.so.0``, then ``libengsched.so``);
3. the installed system: ``ctypes.util.find_library("engsched")``, then
   ``libengsched.so.0`` through the dynamic loader's search path.

Loading is lazy: importing :mod:`engsched` never fails for want of the
shared library; the first call that needs it does.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

__all__ = ["Library", "get", "reset", "SONAME", "OPTIONAL_FUNCTIONS"]

SONAME = "libengsched.so.0"

#: The major version this binding speaks (the SONAME suffix).
MAJOR = 0

#: Functions the binding declares that an older library may lack. Calling
#: one that is missing raises UnsupportedError instead of AttributeError.
OPTIONAL_FUNCTIONS = frozenset(
    {
        "engsched_invitation_ics",
        "engsched_invitation_mail",
        "engsched_feed_ics",
        "engsched_engagement_json",
        "engsched_export_json",
        "engsched_import_json",
        "engsched_batch_begin",
        "engsched_batch_commit",
        "engsched_batch_rollback",
        # delivery.h (options version 2): the outbox and the event stream
        "engsched_outbox_state_name",
        "engsched_outbox_kind_name",
        "engsched_deliver",
        "engsched_undeliverable_count",
        "engsched_outbox_list_get",
        "engsched_outbox_list_free",
        "engsched_outbox_list_count",
        "engsched_outbox_list_item",
        "engsched_outbox_count",
        "engsched_outbox_requeue",
        "engsched_outbox_purge",
        "engsched_event_stream",
        # calendar.h: feed tokens
        "engsched_feed_token_issue",
        "engsched_feed_token_revoke",
        "engsched_feed_ics_by_token",
        # calendar.h (table version 4): invitation replies
        "engsched_invitation_reply",
        "engsched_invitation_response",
        "engsched_response_name",
        "engsched_engagement_operator_response",
        "engsched_work_list_item_response",
        # backup.h (table version 5): backup and restore
        "engsched_backup_options_init",
        "engsched_backup",
        "engsched_restore",
        # export.h: export and import as a stream
        "engsched_export_options_init",
        "engsched_export",
        "engsched_import",
    }
)

# --- C types ---------------------------------------------------------------

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_int64 = ctypes.c_int64
c_size_t = ctypes.c_size_t
c_double = ctypes.c_double
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER

c_id = ctypes.c_int64  # engsched_id
c_rc = ctypes.c_int  # engsched_rc and every other C enum


class _Opaque(ctypes.Structure):
    """Base of the opaque C handle types (never dereferenced)."""

    _fields_: List[Tuple[str, Any]] = []


class Handle(_Opaque):
    """struct engsched"""


class Input(_Opaque):
    """struct engsched_input"""


class Snapshot(_Opaque):
    """struct engsched_engagement"""


class FileList(_Opaque):
    """struct engsched_file_list"""


class WorkList(_Opaque):
    """struct engsched_work_list"""


class Query(_Opaque):
    """struct engsched_query"""


class Cursor(_Opaque):
    """struct engsched_cursor"""


class Availability(_Opaque):
    """struct engsched_availability"""


class OutboxList(_Opaque):
    """struct engsched_outbox_list"""


class TagList(_Opaque):
    """struct engsched_tag_list"""


class Candidates(_Opaque):
    """struct engsched_candidates"""


class Capacity(_Opaque):
    """struct engsched_capacity"""


HandleP = P(Handle)
InputP = P(Input)
SnapshotP = P(Snapshot)
FileListP = P(FileList)
WorkListP = P(WorkList)
QueryP = P(Query)
CursorP = P(Cursor)
AvailabilityP = P(Availability)
TagListP = P(TagList)
CandidatesP = P(Candidates)
CapacityP = P(Capacity)
OutboxListP = P(OutboxList)

# Callbacks of engsched_options.
LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, c_int, c_char_p)
EVENT_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p)
CLOCK_FN = ctypes.CFUNCTYPE(c_int64, c_void_p)
# The message is declared void * so that its length, not a NUL, bounds it.
MAIL_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_id, c_id, c_char_p, c_void_p, c_size_t)
# engsched_event_deliver_fn (options version 2, engsched_event_stream()); the
# document is void * for the same reason as the mail message.
DELIVER_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_int64, c_void_p, c_size_t, c_char_p)

OPTIONS_VERSION = 2
ALLOCATOR_VERSION = 1
DELIVERY_RESULT_VERSION = 1
REPLY_RESULT_VERSION = 1


class Options(ctypes.Structure):
    """struct engsched_options, version 2 (a version 1 library reads only
    the members before deliver_event when ``version`` is 1)."""

    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint),
        ("busy_timeout_ms", c_int),
        ("log", LOG_FN),
        ("log_ctx", c_void_p),
        ("log_level", c_int),
        ("on_event", EVENT_FN),
        ("event_ctx", c_void_p),
        ("clock", CLOCK_FN),
        ("clock_ctx", c_void_p),
        ("conflict_policy", c_int),
        ("on_mail", MAIL_FN),
        ("mail_ctx", c_void_p),
        # version 2
        ("deliver_event", DELIVER_FN),
        ("deliver_event_ctx", c_void_p),
        ("delivery", c_uint),
    ]


class DeliveryResult(ctypes.Structure):
    """struct engsched_delivery_result, version 1."""

    _fields_ = [
        ("version", c_uint),
        ("delivered", c_uint),
        ("retrying", c_uint),
        ("dead", c_uint),
    ]


class ReplyResult(ctypes.Structure):
    """struct engsched_reply_result, version 1."""

    _fields_ = [
        ("version", c_uint),
        ("engagement", c_id),
        ("user", c_id),
        ("response", c_int),
        ("sequence", c_int64),
    ]


class OutboxEntry(ctypes.Structure):
    """struct engsched_outbox_entry (members only appended; read, never built)."""

    _fields_ = [
        ("id", c_int64),
        ("kind", c_int),
        ("state", c_uint),
        ("engagement", c_id),
        ("user", c_id),
        ("event_seq", c_int64),
        ("attempts", c_uint),
        ("next_attempt_at", c_int64),
        ("created_at", c_int64),
        ("updated_at", c_int64),
        ("recipient", c_char_p),
        ("reason", c_char_p),
    ]


class Allocator(ctypes.Structure):
    """struct engsched_allocator, version 1 (declared for completeness)."""

    _fields_ = [
        ("version", c_uint),
        ("malloc_fn", ctypes.CFUNCTYPE(c_void_p, c_size_t, c_void_p)),
        ("realloc_fn", ctypes.CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_void_p)),
        ("free_fn", ctypes.CFUNCTYPE(None, c_void_p, c_void_p)),
        ("ctx", c_void_p),
    ]


class BackupOptions(ctypes.Structure):
    """``engsched_backup_options`` (version 1, backup.h)."""

    _fields_ = [
        ("version", c_uint),
        ("pages_per_step", c_uint),
        ("sleep_ms", c_uint),
    ]


BACKUP_OPTIONS_VERSION = 1


class ExportOptions(ctypes.Structure):
    """``engsched_export_options`` (version 1, export.h)."""

    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint),
    ]


EXPORT_OPTIONS_VERSION = 1


class AvailabilityOptions(ctypes.Structure):
    """``engsched_availability_options`` (version 1, engsched.h)."""

    _fields_ = [
        ("version", c_uint),
        ("tab", c_int),
    ]


AVAILABILITY_OPTIONS_VERSION = 1


class CapacityOptions(ctypes.Structure):
    """``engsched_capacity_options`` (version 1, capacity.h)."""

    _fields_ = [
        ("version", c_uint),
        ("bucket", c_int),
        ("per_operator", c_int),
    ]


CAPACITY_OPTIONS_VERSION = 1


class AssignOptions(ctypes.Structure):
    """``engsched_assign_options`` (version 1, engsched.h)."""

    _fields_ = [
        ("version", c_uint),
        ("start", ctypes.c_char_p),
        ("end", ctypes.c_char_p),
        ("percent", c_int),
        ("tentative", c_int),
    ]


ASSIGN_OPTIONS_VERSION = 1


class TickReport(ctypes.Structure):
    """``engsched_tick_report`` (version 1, engsched.h)."""

    _fields_ = [
        ("version", c_uint),
        ("moved", c_uint),
        ("occurrences_created", c_uint),
    ]


TICK_REPORT_VERSION = 1


class CloneOptions(ctypes.Structure):
    """``engsched_clone_options`` (version 1, engsched.h)."""

    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint),
        ("start", c_char_p),
        ("end", c_char_p),
    ]


CLONE_OPTIONS_VERSION = 1
CLONE_DATES = 1 << 0
CLONE_OPERATORS = 1 << 1
CLONE_RECURRENCE = 1 << 2
EXPORT_SECRETS = 1 << 0
WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)
READ_FN = ctypes.CFUNCTYPE(ctypes.c_long, c_void_p, c_void_p, c_size_t)


# --- prototypes: (name, restype, argtypes), in the order of engsched.h ----

_S = c_char_p  # const char * in, or a static / snapshot-owned string out
_OUT_STR = P(c_void_p)  # char ** to engsched_free(): read as a raw pointer

PROTOTYPES: Sequence[Tuple[str, Any, Sequence[Any]]] = (
    # common.h
    ("engsched_rc_name", _S, (c_rc,)),
    ("engsched_rc_describe", _S, (c_rc,)),
    # version
    ("engsched_version", _S, ()),
    ("engsched_version_number", c_int, ()),
    # memory
    ("engsched_set_allocator", c_rc, (P(Allocator),)),
    ("engsched_free", None, (c_void_p,)),
    # opening
    ("engsched_options_init", c_rc, (P(Options), c_uint)),
    ("engsched_open", c_rc, (_S, P(Options), P(HandleP))),
    ("engsched_open_errmsg", _S, ()),
    ("engsched_close", c_rc, (HandleP,)),
    ("engsched_errmsg", _S, (HandleP,)),
    ("engsched_errcode", c_rc, (HandleP,)),
    ("engsched_schema_version", c_rc, (HandleP, P(c_int))),
    ("engsched_schema_version_supported", c_int, ()),
    # statuses
    ("engsched_status_derive", c_int, (c_int, c_int, c_int)),
    ("engsched_status_label", _S, (c_int,)),
    ("engsched_status_name", _S, (c_int,)),
    ("engsched_status_colour", _S, (c_int,)),
    ("engsched_status_parse", c_rc, (_S, P(c_int))),
    ("engsched_report_status_label", _S, (c_int,)),
    ("engsched_report_status_name", _S, (c_int,)),
    ("engsched_report_status_parse", c_rc, (_S, P(c_int))),
    # permissions
    ("engsched_builtin_role_permissions", c_uint, (c_id,)),
    ("engsched_permission_name", _S, (c_uint,)),
    ("engsched_permissions_are_operator", c_int, (c_uint,)),
    # directory
    ("engsched_client_upsert", c_rc, (HandleP, c_id, _S, _S, P(c_id))),
    ("engsched_client_find", c_rc, (HandleP, _S, P(c_id))),
    ("engsched_client_name", c_rc, (HandleP, c_id, _OUT_STR)),
    ("engsched_user_upsert", c_rc, (HandleP, c_id, _S, _S, _S, c_id, c_uint, P(c_id))),
    ("engsched_user_info", c_rc,
     (HandleP, c_id, _OUT_STR, _OUT_STR, _OUT_STR, P(c_id), P(c_uint))),
    ("engsched_role_permissions", c_rc, (HandleP, c_id, P(c_uint))),
    ("engsched_action_name", _S, (c_uint,)),
    ("engsched_user_find", c_rc, (HandleP, _S, P(c_id))),
    ("engsched_user_permissions", c_rc, (HandleP, c_id, P(c_uint))),
    ("engsched_access_grant", c_rc, (HandleP, c_id, c_id, c_id)),
    ("engsched_access_revoke", c_rc, (HandleP, c_id, c_id, c_id)),
    ("engsched_role_create", c_rc, (HandleP, c_id, _S, c_uint, P(c_id))),
    ("engsched_role_set_permissions", c_rc, (HandleP, c_id, c_id, c_uint)),
    ("engsched_role_find", c_rc, (HandleP, _S, P(c_id))),
    # settings
    ("engsched_setting_set", c_rc, (HandleP, c_id, _S, _S)),
    ("engsched_setting_get", c_rc, (HandleP, _S, _OUT_STR)),
    # input builder
    ("engsched_input_new", c_rc, (HandleP, P(InputP))),
    ("engsched_input_free", None, (InputP,)),
    ("engsched_input_set_name", c_rc, (InputP, _S)),
    ("engsched_input_set_client", c_rc, (InputP, c_id)),
    ("engsched_input_set_description", c_rc, (InputP, _S)),
    ("engsched_input_set_type", c_rc, (InputP, _S)),
    ("engsched_input_set_location", c_rc, (InputP, _S)),
    ("engsched_input_set_contacts", c_rc, (InputP, _S)),
    ("engsched_input_set_dates", c_rc, (InputP, _S, _S)),
    ("engsched_input_set_custom_fields", c_rc, (InputP, _S)),
    ("engsched_input_set_report_title", c_rc, (InputP, _S)),
    ("engsched_input_add_operator", c_rc, (InputP, c_id, c_int)),
    ("engsched_input_add_file", c_rc, (InputP, _S, _S, c_void_p, c_size_t)),
    # lifecycle
    ("engsched_request", c_rc, (HandleP, c_id, InputP, P(c_id))),
    ("engsched_create", c_rc, (HandleP, c_id, InputP, P(c_id))),
    ("engsched_approve", c_rc, (HandleP, c_id, c_id, c_int64, InputP)),
    ("engsched_edit", c_rc, (HandleP, c_id, c_id, c_int64, InputP)),
    ("engsched_edit_ex", c_rc, (HandleP, c_id, c_id, c_int64, InputP, P(WorkListP))),
    ("engsched_cancel", c_rc, (HandleP, c_id, c_id, c_int64, _S)),
    ("engsched_report_set_status", c_rc, (HandleP, c_id, c_id, c_int64, c_int)),
    ("engsched_tick", c_rc, (HandleP, c_int64, P(c_uint))),
    ("engsched_tick_ex", c_rc, (HandleP, c_int64, P(TickReport))),
    ("engsched_tick_report_init", c_rc, (P(TickReport), c_uint)),
    ("engsched_recurrence_set", c_rc, (HandleP, c_id, c_id, c_int64, _S)),
    ("engsched_clone_options_init", c_rc, (P(CloneOptions), c_uint)),
    ("engsched_clone", c_rc, (HandleP, c_id, c_id, P(CloneOptions), P(c_id))),
    ("engsched_report_engagement", c_rc, (HandleP, c_id, c_id, P(c_id))),
    # batches
    ("engsched_batch_begin", c_rc, (HandleP,)),
    ("engsched_batch_commit", c_rc, (HandleP,)),
    ("engsched_batch_rollback", c_rc, (HandleP,)),
    # snapshots
    ("engsched_engagement_get", c_rc, (HandleP, c_id, c_id, P(SnapshotP))),
    ("engsched_engagement_free", None, (SnapshotP,)),
    ("engsched_engagement_id", c_id, (SnapshotP,)),
    ("engsched_engagement_client", c_id, (SnapshotP,)),
    ("engsched_engagement_requested_by", c_id, (SnapshotP,)),
    ("engsched_engagement_name", _S, (SnapshotP,)),
    ("engsched_engagement_description", _S, (SnapshotP,)),
    ("engsched_engagement_type", _S, (SnapshotP,)),
    ("engsched_engagement_location", _S, (SnapshotP,)),
    ("engsched_engagement_contacts", _S, (SnapshotP,)),
    ("engsched_engagement_custom_fields", _S, (SnapshotP,)),
    ("engsched_engagement_start", _S, (SnapshotP,)),
    ("engsched_engagement_end", _S, (SnapshotP,)),
    ("engsched_engagement_status", c_int, (SnapshotP,)),
    ("engsched_engagement_cancel_reason", _S, (SnapshotP,)),
    ("engsched_engagement_version", c_int64, (SnapshotP,)),
    ("engsched_engagement_created_at", c_int64, (SnapshotP,)),
    ("engsched_engagement_updated_at", c_int64, (SnapshotP,)),
    ("engsched_engagement_report", c_id, (SnapshotP,)),
    ("engsched_engagement_report_status", c_int, (SnapshotP,)),
    ("engsched_engagement_report_title", _S, (SnapshotP,)),
    ("engsched_engagement_recurrence", _S, (SnapshotP,)),
    ("engsched_engagement_origin", c_id, (SnapshotP,)),
    ("engsched_engagement_operator_count", c_size_t, (SnapshotP,)),
    (
        "engsched_engagement_operator",
        c_rc,
        (SnapshotP, c_size_t, P(c_id), P(c_int), P(c_id), P(c_int64)),
    ),
    (
        "engsched_engagement_operator_allocation",
        c_rc,
        (SnapshotP, c_size_t, P(c_char_p), P(c_char_p), P(c_int), P(c_int)),
    ),
    # capabilities
    ("engsched_capabilities", c_rc, (HandleP, c_id, c_id, P(c_uint))),
    # support files
    (
        "engsched_file_attach",
        c_rc,
        (HandleP, c_id, c_id, _S, _S, c_void_p, c_size_t, P(c_id)),
    ),
    ("engsched_file_list_get", c_rc, (HandleP, c_id, c_id, P(FileListP))),
    ("engsched_file_list_free", None, (FileListP,)),
    ("engsched_file_list_count", c_size_t, (FileListP,)),
    (
        "engsched_file_list_item",
        c_rc,
        (FileListP, c_size_t, P(c_id), P(c_char_p), P(c_char_p), P(c_int64), P(c_id), P(c_int64)),
    ),
    (
        "engsched_file_read",
        c_rc,
        (HandleP, c_id, c_id, c_int64, c_void_p, c_size_t, P(c_size_t)),
    ),
    ("engsched_file_delete", c_rc, (HandleP, c_id, c_id)),
    # events
    ("engsched_events_json", c_rc, (HandleP, c_id, c_id, _OUT_STR)),
    ("engsched_events_last_seq", c_rc, (HandleP, P(c_int64))),
    # operators and unavailability
    ("engsched_assign", c_rc, (HandleP, c_id, c_id, c_int64, c_id, c_int, P(WorkListP))),
    ("engsched_unassign", c_rc, (HandleP, c_id, c_id, c_int64, c_id)),
    ("engsched_assign_options_init", c_rc, (P(AssignOptions), c_uint)),
    (
        "engsched_assign_ex",
        c_rc,
        (HandleP, c_id, c_id, c_int64, c_id, c_int, P(AssignOptions), P(WorkListP)),
    ),
    (
        "engsched_assignment_update",
        c_rc,
        (HandleP, c_id, c_id, c_int64, c_id, P(AssignOptions), P(WorkListP)),
    ),
    ("engsched_hold_confirm", c_rc, (HandleP, c_id, c_id, c_int64, c_id, P(WorkListP))),
    ("engsched_work_list_item_allocation", c_rc, (WorkListP, c_size_t, P(c_int), P(c_int))),
    ("engsched_operator_conflicts", c_rc, (HandleP, c_id, c_id, c_id, P(WorkListP))),
    ("engsched_work_list_free", None, (WorkListP,)),
    ("engsched_work_list_count", c_size_t, (WorkListP,)),
    ("engsched_work_list_item_user", c_id, (WorkListP, c_size_t)),
    (
        "engsched_work_list_item",
        c_rc,
        (WorkListP, c_size_t, P(c_int), P(c_id), P(c_char_p), P(c_char_p), P(c_char_p), P(c_int)),
    ),
    ("engsched_unavailability_add", c_rc, (HandleP, c_id, c_id, _S, _S, _S, P(c_id))),
    ("engsched_unavailability_remove", c_rc, (HandleP, c_id, c_id)),
    ("engsched_unavailability_list", c_rc, (HandleP, c_id, c_id, _S, _S, P(WorkListP))),
    # List and Calendar
    ("engsched_tab_statuses", c_uint, (c_int,)),
    ("engsched_query_new", c_rc, (HandleP, P(QueryP))),
    ("engsched_query_free", None, (QueryP,)),
    ("engsched_query_set_statuses", c_rc, (QueryP, c_uint)),
    ("engsched_query_set_client", c_rc, (QueryP, c_id)),
    ("engsched_query_set_operator", c_rc, (QueryP, c_id)),
    ("engsched_query_set_range", c_rc, (QueryP, _S, _S)),
    ("engsched_query_set_text", c_rc, (QueryP, _S)),
    ("engsched_query_set_sort", c_rc, (QueryP, c_int, c_int)),
    ("engsched_query_set_limit", c_rc, (QueryP, c_uint)),
    ("engsched_list", c_rc, (HandleP, c_id, QueryP, _S, P(CursorP))),
    ("engsched_calendar", c_rc, (HandleP, c_id, QueryP, P(CursorP))),
    ("engsched_cursor_next", c_rc, (CursorP, P(c_int))),
    ("engsched_cursor_next_token", _S, (CursorP,)),
    ("engsched_cursor_free", None, (CursorP,)),
    ("engsched_cursor_id", c_id, (CursorP,)),
    ("engsched_cursor_client", c_id, (CursorP,)),
    ("engsched_cursor_name", _S, (CursorP,)),
    ("engsched_cursor_start", _S, (CursorP,)),
    ("engsched_cursor_end", _S, (CursorP,)),
    ("engsched_cursor_status", c_int, (CursorP,)),
    ("engsched_cursor_report_status", c_int, (CursorP,)),
    ("engsched_cursor_version", c_int64, (CursorP,)),
    ("engsched_cursor_updated_at", c_int64, (CursorP,)),
    # Availability
    ("engsched_availability_open", c_rc, (HandleP, c_id, _S, _S, P(AvailabilityP))),
    ("engsched_availability_options_init", c_rc, (P(AvailabilityOptions), c_uint)),
    (
        "engsched_availability_open_ex",
        c_rc,
        (HandleP, c_id, _S, _S, P(AvailabilityOptions), P(AvailabilityP)),
    ),
    ("engsched_availability_next", c_rc, (AvailabilityP, P(c_int))),
    ("engsched_availability_user", c_id, (AvailabilityP,)),
    ("engsched_availability_name", _S, (AvailabilityP,)),
    ("engsched_availability_utilisation", c_double, (AvailabilityP,)),
    ("engsched_availability_load", c_rc, (AvailabilityP, P(c_double), P(c_double))),
    ("engsched_availability_work", WorkListP, (AvailabilityP,)),
    ("engsched_availability_free", None, (AvailabilityP,)),
    # skills and candidates (candidates.h)
    ("engsched_tag_list_count", c_size_t, (TagListP,)),
    ("engsched_tag_list_item", _S, (TagListP, c_size_t)),
    ("engsched_tag_list_free", None, (TagListP,)),
    ("engsched_user_skills_set", c_rc, (HandleP, c_id, c_id, P(c_char_p), c_size_t)),
    ("engsched_user_skills", c_rc, (HandleP, c_id, c_id, P(TagListP))),
    (
        "engsched_required_skills_set",
        c_rc,
        (HandleP, c_id, c_id, c_int64, P(c_char_p), c_size_t),
    ),
    ("engsched_required_skills", c_rc, (HandleP, c_id, c_id, P(TagListP))),
    ("engsched_candidates_open", c_rc, (HandleP, c_id, c_id, P(CandidatesP))),
    ("engsched_candidates_next", c_rc, (CandidatesP, P(c_int))),
    ("engsched_candidates_user", c_id, (CandidatesP,)),
    ("engsched_candidates_name", _S, (CandidatesP,)),
    ("engsched_candidates_rank", c_uint, (CandidatesP,)),
    ("engsched_candidates_free_days", c_uint, (CandidatesP,)),
    ("engsched_candidates_conflict_days", c_uint, (CandidatesP,)),
    ("engsched_candidates_matched", c_uint, (CandidatesP,)),
    ("engsched_candidates_missing", c_uint, (CandidatesP,)),
    ("engsched_candidates_missing_tags", TagListP, (CandidatesP,)),
    ("engsched_candidates_work", WorkListP, (CandidatesP,)),
    ("engsched_candidates_assigned", c_int, (CandidatesP,)),
    ("engsched_candidates_free", None, (CandidatesP,)),
    # capacity (capacity.h)
    ("engsched_capacity_options_init", c_rc, (P(CapacityOptions), c_uint)),
    (
        "engsched_capacity_open",
        c_rc,
        (HandleP, c_id, _S, _S, P(CapacityOptions), P(CapacityP)),
    ),
    ("engsched_capacity_next", c_rc, (CapacityP, P(c_int))),
    ("engsched_capacity_user", c_id, (CapacityP,)),
    ("engsched_capacity_name", _S, (CapacityP,)),
    ("engsched_capacity_bucket_start", _S, (CapacityP,)),
    ("engsched_capacity_bucket_end", _S, (CapacityP,)),
    ("engsched_capacity_value", c_int64, (CapacityP, c_int)),
    ("engsched_capacity_free", None, (CapacityP,)),
    # invitations, feeds, JSON
    ("engsched_invitation_ics", c_rc, (HandleP, c_id, c_id, c_id, _OUT_STR)),
    ("engsched_invitation_mail", c_rc, (HandleP, c_id, c_id, c_id, _OUT_STR)),
    ("engsched_feed_ics", c_rc, (HandleP, c_id, c_id, _OUT_STR)),
    ("engsched_feed_token_issue", c_rc, (HandleP, c_id, c_id, _OUT_STR)),
    ("engsched_feed_token_revoke", c_rc, (HandleP, c_id, c_id)),
    ("engsched_feed_ics_by_token", c_rc, (HandleP, c_char_p, _OUT_STR)),
    ("engsched_engagement_json", c_rc, (HandleP, c_id, c_id, _OUT_STR)),
    ("engsched_invitation_reply", c_rc, (HandleP, c_id, c_void_p, c_size_t, P(ReplyResult))),
    ("engsched_invitation_response", c_rc, (HandleP, c_id, c_id, c_id, P(c_int), P(c_int64))),
    ("engsched_response_name", _S, (c_int,)),
    (
        "engsched_engagement_operator_response",
        c_rc,
        (SnapshotP, c_size_t, P(c_int), P(c_int64)),
    ),
    ("engsched_work_list_item_response", c_int, (WorkListP, c_size_t)),
    ("engsched_export_json", c_rc, (HandleP, c_id, _OUT_STR)),
    ("engsched_import_json", c_rc, (HandleP, c_id, _S, P(c_uint))),
    # dates
    ("engsched_date_validate", c_rc, (_S,)),
    ("engsched_date_in_zone", c_rc, (_S, c_int64, c_char_p)),
    # delivery.h: the outbox, delivery and the event stream
    ("engsched_outbox_state_name", _S, (c_uint,)),
    ("engsched_outbox_kind_name", _S, (c_int,)),
    ("engsched_deliver", c_rc, (HandleP, c_uint, P(DeliveryResult))),
    ("engsched_undeliverable_count", c_uint, (HandleP,)),
    (
        "engsched_outbox_list_get",
        c_rc,
        (HandleP, c_id, c_uint, c_int64, c_uint, P(OutboxListP)),
    ),
    ("engsched_outbox_list_free", None, (OutboxListP,)),
    ("engsched_outbox_list_count", c_size_t, (OutboxListP,)),
    ("engsched_outbox_list_item", P(OutboxEntry), (OutboxListP, c_size_t)),
    ("engsched_outbox_count", c_rc, (HandleP, c_id, c_uint, P(ctypes.c_uint64))),
    ("engsched_outbox_requeue", c_rc, (HandleP, c_id, c_int64, P(c_uint))),
    ("engsched_outbox_purge", c_rc, (HandleP, c_id, c_int64, P(ctypes.c_uint64))),
    (
        "engsched_event_stream",
        c_rc,
        (HandleP, c_id, c_int64, c_uint, DELIVER_FN, c_void_p, P(c_int64)),
    ),
    # backup.h: backup and restore
    ("engsched_backup_options_init", c_rc, (P(BackupOptions), c_uint)),
    ("engsched_backup", c_rc, (HandleP, c_id, _S, P(BackupOptions))),
    ("engsched_restore", c_rc, (_S, _S, P(BackupOptions))),
    # export.h: export and import as a stream
    ("engsched_export_options_init", c_rc, (P(ExportOptions), c_uint)),
    ("engsched_export", c_rc, (HandleP, c_id, P(ExportOptions), WRITE_FN, c_void_p)),
    ("engsched_import", c_rc, (HandleP, c_id, READ_FN, c_void_p, P(c_uint))),
)


class Library:
    """A loaded libengsched with every prototype of engsched.h declared.

    Functions are attributes named as in C (``lib.engsched_open``). A
    function in :data:`OPTIONAL_FUNCTIONS` that the loaded library lacks
    is replaced by a stub raising :class:`~engsched.errors.UnsupportedError`.
    """

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        self.missing: List[str] = []
        for name, restype, argtypes in PROTOTYPES:
            fn = getattr(cdll, name, None)
            if fn is None:
                self.missing.append(name)
                setattr(self, name, _missing_stub(name, path))
                continue
            fn.restype = restype
            fn.argtypes = list(argtypes)
            setattr(self, name, fn)
        required = [m for m in self.missing if m not in OPTIONAL_FUNCTIONS]
        if required:
            raise OSError(
                f"{path} is not a compatible libengsched: missing {', '.join(required)}"
            )
        number = self.engsched_version_number()
        if number // 1_000_000 != MAJOR:
            raise OSError(
                f"{path} is libengsched {self.engsched_version().decode()}, "
                f"this binding needs major version {MAJOR}"
            )

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            """The C functions, set per prototype in __init__: Any to a type
            checker, as ctypes functions are."""

    def has(self, name: str) -> bool:
        """Whether the loaded library exports function ``name``."""
        if not name.startswith("engsched_"):
            name = "engsched_" + name
        return hasattr(self.cdll, name)

    def take_string(self, ptr: Optional[int]) -> str:
        """Copy a library-allocated string and release it with engsched_free()."""
        if not ptr:
            return ""
        try:
            return ctypes.string_at(ptr).decode("utf-8", "replace")
        finally:
            self.engsched_free(ptr)


def _missing_stub(name: str, path: str) -> Callable[..., Any]:
    def stub(*_args: Any) -> Any:
        from .errors import UnsupportedError

        raise UnsupportedError(f"{name} is not implemented by the loaded library {path}")

    stub.__name__ = name
    return stub


def _source_root() -> Optional[Path]:
    """The checkout this package lives in, if it does (bindings/python/engsched)."""
    root = Path(__file__).resolve().parents[3]
    if (root / "include" / "engsched" / "engsched.h").is_file():
        return root
    return None


def candidates() -> List[str]:
    """Where the library is looked for, in order (ENGSCHED_LIBRARY aside)."""
    found: List[str] = []
    root = _source_root()
    if root is not None:
        for name in (SONAME, "libengsched.so"):
            path = root / "build" / "lib" / name
            if path.exists():
                found.append(str(path))
    system = ctypes.util.find_library("engsched")
    if system:
        found.append(system)
    found.append(SONAME)
    return found


_lock = threading.Lock()
_library: Optional[Library] = None


def _load_one(path: str) -> Library:
    return Library(ctypes.CDLL(path), path)


def get() -> Library:
    """The process-wide library, loaded on first use."""
    global _library
    lib = _library
    if lib is not None:
        return lib
    with _lock:
        if _library is not None:
            return _library
        env = os.environ.get("ENGSCHED_LIBRARY")
        if env:
            try:
                _library = _load_one(env)
            except OSError as exc:
                raise OSError(f"ENGSCHED_LIBRARY={env}: cannot load: {exc}") from exc
            return _library
        errors: List[str] = []
        for path in candidates():
            try:
                _library = _load_one(path)
                return _library
            except OSError as exc:
                errors.append(f"{path}: {exc}")
        raise OSError(
            "libengsched not found; set ENGSCHED_LIBRARY to the shared library "
            "(e.g. build/lib/libengsched.so.0) or install it. Tried: " + "; ".join(errors)
        )


def reset() -> None:
    """Forget the loaded library so the next use loads again (for tests)."""
    global _library
    with _lock:
        _library = None


def functions() -> Dict[str, Any]:
    """Every declared prototype by name: (restype, argtypes)."""
    return {name: (restype, tuple(argtypes)) for name, restype, argtypes in PROTOTYPES}
