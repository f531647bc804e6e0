"""All formatting of dates, instants, labels and roles in one place: the
templates show nothing the bindings hand out without passing through here."""

import datetime
from typing import Optional

from engsched import BuiltinRole, OperatorRole, ReportStatus, Status, Tab


def date_text(value: datetime.date) -> str:
    """A date as the portal shows it: 2026-12-04 (ISO, unambiguous)."""
    return value.isoformat()


def date_range(start: datetime.date, end: datetime.date) -> str:
    """Two dates as one range; a single day once."""
    if start == end:
        return date_text(start)
    return f"{date_text(start)} – {date_text(end)}"


def instant_text(value: datetime.datetime) -> str:
    """An instant (the bindings' aware datetimes: ``uploaded_at``,
    ``updated_at``...) in UTC to the minute: 2026-12-04 09:30 UTC."""
    if value.tzinfo is None:
        raise ValueError(f"{value!r} is naive: it names no instant")
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def status_label(status: Optional[Status]) -> str:
    """The library's label of a status ("In Progress"); None is a "Busy"
    block's, which has none."""
    return "" if status is None else str(status)


def report_status_label(status: ReportStatus) -> str:
    """The library's label of a report status ("Ready for Review"); a dash
    for NONE (no report yet), which the library labels "None"."""
    return "—" if status == ReportStatus.NONE else str(status)


def status_colour(status: Optional[Status]) -> str:
    """The library's colour of a status; a neutral grey for "Busy" blocks."""
    return "#bbbbbb" if status is None else status.colour


def tab_label(tab: Tab) -> str:
    """A List tab's label: "All", else the label of its one status."""
    if tab == Tab.ALL:
        return "All"
    return str(Status(int(tab)))


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
