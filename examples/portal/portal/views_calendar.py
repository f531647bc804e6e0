"""The Calendar tab: a Monday-first month grid of engagement chips."""

import datetime
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engsched import Row

from .drawer import drawer_context
from .errors import BadInput
from .session import current_user, store
from .streams import drain

bp = Blueprint("calendar", __name__)


@dataclass
class Day:
    """One cell of the grid."""

    date: datetime.date
    in_month: bool
    rows: List[Optional[Row]] = field(default_factory=list)


def parse_month(text: str) -> datetime.date:
    """The first day of the month "YYYY-MM" (this month if empty)."""
    if not text:
        return datetime.date.today().replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        raise BadInput(f"month: {text!r} is not a month (YYYY-MM)") from None


def month_bounds(first: datetime.date) -> Tuple[datetime.date, datetime.date]:
    """The first and last day of the month starting at ``first``."""
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def shift_month(first: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` away."""
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_grid(first: datetime.date) -> List[List[Day]]:
    """Whole weeks, Monday to Sunday, covering the month."""
    _, last = month_bounds(first)
    day = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=6 - last.weekday())
    weeks: List[List[Day]] = []
    while day <= end:
        weeks.append([Day(day + datetime.timedelta(days=i), (day + datetime.timedelta(days=i))
                          .month == first.month) for i in range(7)])
        day += datetime.timedelta(days=7)
    return weeks


def _lanes(week: List[Day], rows: List[Row]) -> List[List[Row]]:
    """The week's engagements in lanes: one row of the grid each, so a bar
    keeps its height across the week (greedy, by start date)."""
    first, last = week[0].date, week[-1].date
    lanes: List[List[Row]] = []
    for row in sorted((r for r in rows if r.start <= last and r.end >= first),
                      key=lambda r: (r.start, r.id)):
        lane = next((ln for ln in lanes if ln[-1].end < row.start), None)
        if lane is None:
            lanes.append([row])
        else:
            lane.append(row)
    return lanes


def place(weeks: List[List[Day]], rows: List[Row]) -> None:
    """Put each engagement on every day of the grid it covers, in its lane
    (None: an empty slot keeping the lanes below in line)."""
    for week in weeks:
        lanes = _lanes(week, rows)
        for day in week:
            slots = [next((r for r in lane if r.start <= day.date <= r.end), None)
                     for lane in lanes]
            while slots and slots[-1] is None:
                slots.pop()
            day.rows = slots


@bp.route("/")
def month() -> ResponseReturnValue:
    """The month grid (``?m=YYYY-MM``), with the drawer when ``?e=`` names one."""
    first = parse_month(request.args.get("m", ""))
    weeks = month_grid(first)
    rows = drain(store().calendar(current_user(), weeks[0][0].date, weeks[-1][-1].date))
    place(weeks, rows)
    return render_template(
        "calendar.html",
        tab="calendar",
        first=first,
        weeks=weeks,
        prev=shift_month(first, -1),
        next=shift_month(first, 1),
        today=datetime.date.today(),
        drawer=drawer_context(),
        here={"m": first.strftime("%Y-%m")},
    )
