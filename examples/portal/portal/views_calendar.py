"""The Calendar tab: a Monday-first month grid of engagement chips."""

import datetime
from dataclasses import dataclass, field
from typing import List, Tuple

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engsched import Row

from .drawer import drawer_context
from .errors import BadInput
from .session import current_user, store

bp = Blueprint("calendar", __name__)


@dataclass
class Day:
    """One cell of the grid."""

    date: datetime.date
    in_month: bool
    rows: List[Row] = field(default_factory=list)


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


def place(weeks: List[List[Day]], rows: List[Row]) -> None:
    """Put each engagement on every day of the grid it covers."""
    for week in weeks:
        for day in week:
            day.rows = [r for r in rows if r.start <= day.date <= r.end]


@bp.route("/")
def month() -> ResponseReturnValue:
    """The month grid (``?m=YYYY-MM``), with the drawer when ``?e=`` names one."""
    first = parse_month(request.args.get("m", ""))
    weeks = month_grid(first)
    rows = list(store().calendar(current_user(), weeks[0][0].date, weeks[-1][-1].date))
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
