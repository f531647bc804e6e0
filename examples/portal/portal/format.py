"""All formatting of dates, instants, labels and roles in one place, so
that the coming binding changes (aware datetimes, str(enum) labels) touch
only this module."""

import datetime
from typing import Optional

from engsched import BuiltinRole, OperatorRole, Status, Tab


def date_text(value: datetime.date) -> str:
    """A date as the portal shows it: 2026-12-04 (ISO, unambiguous)."""
    return value.isoformat()


def date_range(start: datetime.date, end: datetime.date) -> str:
    """Two dates as one range; a single day once."""
    if start == end:
        return date_text(start)
    return f"{date_text(start)} – {date_text(end)}"


def instant_text(value: object) -> str:
    """An instant: UTC seconds today, an aware datetime soon."""
    if isinstance(value, datetime.datetime):
        moment = value.astimezone(datetime.timezone.utc)
    elif isinstance(value, (int, float)):
        moment = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    else:
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def status_label(status: Optional[Status]) -> str:
    """The library's label of a status ("In Progress")."""
    return "" if status is None else status.label


def status_colour(status: Optional[Status]) -> str:
    """The library's colour of a status; a neutral grey for "Busy" blocks."""
    return "#bbbbbb" if status is None else status.colour


def tab_label(tab: Tab) -> str:
    """A List tab's label: "All", else the label of its one status."""
    if tab == Tab.ALL:
        return "All"
    return Status(int(tab)).label


def tab_key(tab: Tab) -> str:
    """The tab's name in URLs ("in_progress")."""
    return tab.name.lower()


def role_label(role: int) -> str:
    """A user's role: the built-in role's name, else "Custom role N"."""
    try:
        return BuiltinRole(role).name.title()
    except ValueError:
        return f"Custom role {role}"


def operator_role_label(role: OperatorRole) -> str:
    """An operator's role on one engagement ("Lead")."""
    return "" if role == OperatorRole.NONE else role.name.title()


def percent(value: float) -> str:
    """A utilisation (0.0 to 1.0 and beyond) as a whole percentage."""
    return f"{round(value * 100)} %"


def size(count: int) -> str:
    """A byte count for people: 25 MiB, 4.0 KiB, 100 bytes."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            value = count / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"
