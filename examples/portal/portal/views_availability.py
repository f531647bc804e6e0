"""The Availability tab (VIEW_AVAILABILITY): each operator's work in the
month on a timeline, with their utilisation."""

import datetime
from dataclasses import dataclass
from typing import List

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engsched import OperatorAvailability, Tab, WorkItem

from .drawer import drawer_context
from .session import current_user, store
from .streams import drain
from .views_calendar import month_bounds, parse_month, shift_month
from .views_list import parse_tab

bp = Blueprint("availability", __name__)


@dataclass(frozen=True)
class Block:
    """One work item placed on the month's timeline (percent of its width)."""

    item: WorkItem
    left: float
    width: float
    lane: int  #: overlapping items stack: 0 is the top line


def blocks(row: OperatorAvailability, first: datetime.date, last: datetime.date) -> List[Block]:
    """The operator's work cut to the month, as positions on its timeline;
    overlapping items go to the first lane free on their dates."""
    days = (last - first).days + 1
    lane_ends: List[datetime.date] = []
    placed = []
    for item in sorted(row.work, key=lambda w: (w.start, w.end)):
        start, end = max(item.start, first), min(item.end, last)
        if start > end:
            continue
        lane = next((i for i, busy in enumerate(lane_ends) if busy < start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        lane_ends[lane] = end
        left = (start - first).days * 100.0 / days
        width = ((end - start).days + 1) * 100.0 / days
        placed.append(Block(item, left, width, lane))
    return placed


def lanes(placed: List[Block]) -> int:
    """How many lines the timeline needs."""
    return max((b.lane for b in placed), default=0) + 1


@bp.route("/availability")
def month() -> ResponseReturnValue:
    """Operators with their work in the month (``?m=``), filtered by ``?tab=``.

    The library refuses a user without VIEW_AVAILABILITY (403)."""
    first = parse_month(request.args.get("m", ""))
    _, last = month_bounds(first)
    tab = parse_tab(request.args.get("tab", ""))
    rows = drain(store().availability(current_user(), first, last, tab=tab))
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    return render_template(
        "availability.html",
        tab="availability",
        tabs=list(Tab),
        current=tab,
        first=first,
        days=days,
        rows=[(row, placed, lanes(placed)) for row, placed in
              ((row, blocks(row, first, last)) for row in rows)],
        prev=shift_month(first, -1),
        next=shift_month(first, 1),
        drawer=drawer_context(),
        here={"m": first.strftime("%Y-%m"), "tab": tab.name.lower()},
    )
