"""Durable delivery from Python: the outbox, delivery with retries, and the
event stream (include/engsched/delivery.h).

Every invitation message and event document a change owes the outside
world is written to the store's outbox with the change. After each commit
the scheduler hands what the commit wrote to its callbacks (``on_mail``,
and ``on_event_delivery`` or the older ``on_event``); what a callback
refused, or what was never handed over (a process that stopped, a
scheduler opened with ``delivery="explicit"``), stays pending until
:meth:`OutboxMixin.deliver` delivers it. Delivery is at least once: a
retried message is byte-identical, and every event document carries its
``seq``, the receiver's idempotency key.

:class:`~engsched.Scheduler` derives from :class:`OutboxMixin`; this module
holds the methods so that scheduler.py stays the size it is.
"""

from __future__ import annotations

import ctypes
import datetime
import json
from typing import (
    Any,
    Callable,
    Iterable,
    Iterator,
    List,
    Optional,
    Tuple,
    Union,
)

from . import _lib
from ._args import _enum, _id, _instant, _int, _report_callback_error, _str, _uint, _utc
from ._core import _Core
from .enums import OUTBOX_ALL, DeliveryMode, OutboxKind, OutboxState
from .errors import UnsupportedError, error_for
from .models import DeliveryResult, OutboxItem, StreamEvent
from .ids import EngagementId, OutboxItemId, UserId

__all__ = ["OutboxMixin", "EventDelivery", "DeliverySpec", "StatesSpec", "init_options"]

#: ``on_event_delivery(seq, document, signature) -> bool | None``: the event's
#: sequence number, its JSON text (docs/events.md), and ``"sha256=<hex>"``
#: when the ``webhook_secret`` setting is set (else None). Return False to
#: refuse the document (it is retried later); anything else takes it.
EventDelivery = Callable[[int, str, Optional[str]], Optional[bool]]

#: ``"on_commit"`` (the default), ``"explicit"``, or a :class:`DeliveryMode`.
DeliverySpec = Union[None, int, str]

#: An :class:`OutboxState` mask (``OutboxState.DEAD | OutboxState.UNDELIVERABLE``)
#: or an iterable of states.
StatesSpec = Union[int, Iterable[int]]

#: The most items one outbox page may hold (engsched_outbox_list_get()).
OUTBOX_PAGE_MAX = 1000

#: The most events one engsched_event_stream() call may hand over.
STREAM_BATCH_MAX = 10000


# --- options (engsched_options version 2) ------------------------------------


def _deliver_trampoline(fn: EventDelivery) -> Callable[[Any, int, Any, int, Any], int]:
    """The C engsched_event_deliver_fn for ``fn``: as the mail callback, False
    refuses, an exception refuses and goes to sys.unraisablehook."""

    def trampoline(_ctx: Any, seq: int, document: Any, length: int,
                   signature: Optional[bytes]) -> int:
        try:
            raw = ctypes.string_at(document, length) if document else b""
            text = raw.decode("utf-8", "replace")
            taken = fn(int(seq), text, None if signature is None else _str(signature))
            return 1 if taken is False else 0
        except BaseException as exc:  # not taken: retried later
            _report_callback_error(exc)
            return 1

    return trampoline


def _delivery_mode(value: Any) -> DeliveryMode:
    if isinstance(value, str):
        try:
            return DeliveryMode[value.upper().replace("-", "_")]
        except KeyError:
            raise ValueError(f"delivery: {value!r} is not 'on_commit' or 'explicit'") from None
    number = _int(value, "delivery")
    if number not in (DeliveryMode.ON_COMMIT, DeliveryMode.EXPLICIT):
        raise ValueError(f"delivery: {number} is not a DeliveryMode")
    return DeliveryMode(number)


def init_options(
    lib: Any,
    opts: Any,
    keep: Callable[[Any], Any],
    *,
    on_event: Optional[Callable[..., Any]],
    on_event_delivery: Optional[EventDelivery],
    delivery: DeliverySpec,
) -> None:
    """Fill ``opts`` (an :class:`_lib.Options`) with the library's defaults
    and the delivery options; ``keep`` holds C callbacks alive.

    A library older than the outbox (no engsched_deliver) gets options
    version 1, which it knows; asking it for event delivery or a delivery
    mode is UnsupportedError.
    """
    if on_event_delivery is not None and not callable(on_event_delivery):
        raise TypeError(
            f"on_event_delivery: expected a callable, got {type(on_event_delivery).__name__}"
        )
    if on_event is not None and on_event_delivery is not None:
        raise ValueError(
            "on_event and on_event_delivery: give one; the library calls only "
            "on_event_delivery when both are set"
        )
    mode = None if delivery is None else _delivery_mode(delivery)
    version = _lib.OPTIONS_VERSION if lib.has("engsched_deliver") else 1
    if version < 2 and (on_event_delivery is not None or mode is not None):
        raise UnsupportedError(
            f"on_event_delivery and delivery need libengsched with the outbox "
            f"(options version 2); {lib.path} knows version 1"
        )
    rc = lib.engsched_options_init(ctypes.byref(opts), version)
    if rc != 0:
        raise error_for(rc, f"engsched_options_init refused options version {version}")
    if mode is not None:
        opts.delivery = int(mode)
    if on_event_delivery is not None:
        opts.deliver_event = keep(_lib.DELIVER_FN(_deliver_trampoline(on_event_delivery)))


# --- the methods -------------------------------------------------------------


def _states(value: Any, what: str = "states") -> int:
    """A state mask from a mask or an iterable of states; 0 and unknown bits
    are left for the library to refuse (InvalidError)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _uint(value, what)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{what}: expected an OutboxState mask, got {type(value).__name__}")
    mask = 0
    for state in value:
        mask |= _uint(state, what)
    return mask


def _copy_item(entry: Any) -> OutboxItem:
    return OutboxItem(
        id=OutboxItemId(entry.id),
        kind=_enum(OutboxKind, entry.kind),
        state=_enum(OutboxState, entry.state),
        engagement=EngagementId(entry.engagement) if entry.engagement else None,
        user=UserId(entry.user) if entry.user else None,
        event_seq=entry.event_seq or None,
        attempts=entry.attempts,
        next_attempt_at=_utc(entry.next_attempt_at),
        created_at=_utc(entry.created_at),
        updated_at=_utc(entry.updated_at),
        recipient=_str(entry.recipient),
        reason=_str(entry.reason),
    )


class OutboxMixin(_Core):
    """Delivery, the outbox and the event stream of a :class:`~engsched.Scheduler`.

    The outbox calls need an ADMIN actor or ``SYSTEM``, the event stream
    ``SYSTEM``; the actor is always given explicitly. With a storage backend
    that keeps no outbox they raise :class:`~engsched.UnsupportedError`.
    """



    # --- delivery -------------------------------------------------------------

    def deliver(self, limit: int = 0) -> DeliveryResult:
        """Deliver pending items that are due to this scheduler's callbacks
        (``on_mail``, ``on_event_delivery`` or ``on_event``); ``limit`` caps
        the items handed over, 0 for every item that is due.

        An item whose kind has no callback here stays pending, untouched, for
        another deliverer. A refused item (the callback returned False or
        raised) is retried after ``delivery_retry_seconds``, doubling per
        attempt, and is dead after ``delivery_max_attempts`` refusals. The
        callbacks may not use this scheduler. Refusals are counted in the
        result, not raised; MisuseError inside a batch or a callback.
        """
        limit = _uint(limit, "limit")
        result = _lib.DeliveryResult(_lib.DELIVERY_RESULT_VERSION, 0, 0, 0)
        self._call("engsched_deliver", limit, ctypes.byref(result))
        return DeliveryResult(result.delivered, result.retrying, result.dead)

    @property
    def undeliverable_count(self) -> int:
        """How many invitations the last write operation recorded as
        undeliverable (no ``organizer_email``, an operator without an
        address): 0 after any other call. The operation itself succeeded;
        ``outbox(actor, OutboxState.UNDELIVERABLE)`` gives the reasons."""
        with self._handle() as db:
            return int(self._lib.engsched_undeliverable_count(db))

    # --- the outbox -------------------------------------------------------------

    def outbox(
        self,
        actor: UserId,
        states: StatesSpec = OUTBOX_ALL,
        *,
        after: OutboxItemId = OutboxItemId(0),
        limit: int = 100,
    ) -> List[OutboxItem]:
        """One page of outbox items in any of ``states``, in id order: those
        with an id greater than ``after`` (the last id of the previous page;
        0 from the start), at most ``limit`` (1 to 1000). Needs ADMIN or SYSTEM."""
        args = (_id(actor, "actor"), _states(states), _int(after, "after"),
                _uint(limit, "limit"))
        lib = self._lib
        lst = _lib.OutboxListP()
        with self._handle() as db:
            self._check(db, lib.engsched_outbox_list_get(db, *args, ctypes.byref(lst)))
            try:
                return [_copy_item(lib.engsched_outbox_list_item(lst, i).contents)
                        for i in range(lib.engsched_outbox_list_count(lst))]
            finally:
                lib.engsched_outbox_list_free(lst)

    def outbox_items(
        self,
        actor: UserId,
        states: StatesSpec = OutboxState.PENDING,
        *,
        page_size: int = 100,
    ) -> Iterator[OutboxItem]:
        """Every item in ``states`` (pending by default), page after page of
        ``page_size`` by id. The first page is read now, so errors are raised
        here; each later page is read when the previous one is used up, so
        the loop may deliver, re-queue or purge between items."""
        mask = _states(states)
        first = self.outbox(actor, mask, limit=page_size)
        return self._outbox_pages(actor, mask, page_size, first)

    def _outbox_pages(
        self, actor: UserId, mask: int, page_size: int, page: List[OutboxItem]
    ) -> Iterator[OutboxItem]:
        while True:
            yield from page
            if len(page) < page_size:
                return
            page = self.outbox(actor, mask, after=page[-1].id, limit=page_size)

    def outbox_count(self, actor: UserId, states: StatesSpec = OUTBOX_ALL) -> int:
        """How many items are in any of ``states``. Needs ADMIN or SYSTEM."""
        out = ctypes.c_uint64()
        self._call("engsched_outbox_count", _id(actor, "actor"), _states(states),
                   ctypes.byref(out))
        return out.value

    def outbox_requeue(self, actor: UserId, item: Optional[OutboxItemId]) -> int:
        """Put a dead or undeliverable item (None, given explicitly: every one) back to pending,
        due now, with no attempts; returns how many became pending.

        An undeliverable invitation is built again from the engagement as it
        stands (after ``organizer_email`` was set, say). What became pending
        is delivered on commit as usual. Needs ADMIN or SYSTEM; StateError
        for a pending or delivered item, NotFoundError for no such item.
        """
        out = ctypes.c_uint()
        self._call("engsched_outbox_requeue", _id(actor, "actor"),
                   0 if item is None else _id(item, "item"), ctypes.byref(out))
        return out.value

    def outbox_purge(
        self, actor: UserId, before: datetime.datetime
    ) -> int:
        """Delete delivered items last updated before ``before`` (a
        timezone-aware datetime); pending, dead and undeliverable items are kept.
        Returns how many were deleted. Needs ADMIN or SYSTEM."""
        out = ctypes.c_uint64()
        self._call("engsched_outbox_purge", _id(actor, "actor"),
                   _instant(before, "before"), ctypes.byref(out))
        return out.value

    # --- the event stream ---------------------------------------------------

    def event_stream(self, actor: UserId, *, after: int = 0,
                     batch: int = 256) -> Iterator[StreamEvent]:
        """Every event after sequence number ``after``, oldest first, read
        from the store ``batch`` (1 to 10000) at a time until none is left.

        For a system consumer such as a webhook forwarder: one that keeps the
        last ``seq`` it forwarded passes it as ``after`` to resume exactly
        there. Only ``SYSTEM`` may read the stream (DeniedError otherwise).
        The first batch is read now, so errors are raised here; each batch
        is copied out before it is yielded, so the loop may use the
        scheduler.
        """
        actor, after = _id(actor, "actor"), _int(after, "after")
        batch = _uint(batch, "batch")
        first, last = self._stream_batch(actor, after, batch)
        return self._stream(actor, batch, first, last)

    def _stream(self, actor: UserId, batch: int, chunk: List[StreamEvent],
                last: int) -> Iterator[StreamEvent]:
        while True:
            yield from chunk
            if len(chunk) < batch:
                return
            chunk, last = self._stream_batch(actor, last, batch)

    def _stream_batch(self, actor: UserId, after: int,
                      batch: int) -> Tuple[List[StreamEvent], int]:
        """One engsched_event_stream() call. The C callback only copies (it
        may not call back into the handle); documents are parsed after the
        call returns."""
        taken: List[Tuple[int, str, Optional[str]]] = []
        failure: List[BaseException] = []

        def collect(_ctx: Any, seq: int, document: Any, length: int,
                    signature: Optional[bytes]) -> int:
            try:
                text = ctypes.string_at(document, length).decode("utf-8", "replace")
                taken.append((int(seq), text, None if signature is None else _str(signature)))
                return 0
            except BaseException as exc:  # stop here; raised once C returned
                failure.append(exc)
                return 1

        fn = _lib.DELIVER_FN(collect)
        last = ctypes.c_int64(after)
        self._call("engsched_event_stream", actor, after, batch, fn, None, ctypes.byref(last))
        if failure:
            raise failure[0]
        events = [StreamEvent(seq, json.loads(text), text, sig) for seq, text, sig in taken]
        return events, last.value
