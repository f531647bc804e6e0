"""Operators' answers: a REPLY built from the downloaded REQUEST (as a
calendar client writes it) is recorded; a stale one is refused."""

from __future__ import annotations

from datetime import date
import re

from _fixture import FixtureTestCase, requires

from engsched import SYSTEM, ConflictError, DeniedError, OperatorRole, Response


def reply_to(request: str, partstat: str) -> str:
    """A METHOD:REPLY answering @request, as Thunderbird writes one."""
    unfolded = request.replace("\r\n ", "")
    uid = re.search(r"^UID:(.*?)\r?$", unfolded, re.M).group(1)  # type: ignore[union-attr]
    seq = re.search(r"^SEQUENCE:(\d+)", unfolded, re.M).group(1)  # type: ignore[union-attr]
    attendee = re.search(r"^ATTENDEE[^\r\n]*?:(mailto:[^\r\n]*)", unfolded, re.M,
                         ).group(1)  # type: ignore[union-attr]
    lines = [
        "BEGIN:VCALENDAR", "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "VERSION:2.0", "METHOD:REPLY", "BEGIN:VEVENT", "DTSTAMP:20260301T120500Z",
        f"UID:{uid}", f"ATTENDEE;PARTSTAT={partstat}:{attendee}",
        "ORGANIZER:mailto:scheduling@example.com", f"SEQUENCE:{seq}", "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


@requires("engsched_invitation_reply", "engsched_invitation_response")
class ReplyTest(FixtureTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s.setting_set("organizer_email", "scheduling@example.com", actor=SYSTEM)
        self.eid = self.f.request("Web test", date(2026, 4, 10), date(2026, 4, 12))
        self.s.approve(self.f.manager, self.eid, version=None,
                       operators=[(self.f.operator1, OperatorRole.LEAD)])

    def request(self) -> str:
        return self.s.invitation_ics(SYSTEM, self.eid, self.f.operator1)

    def test_accept_then_decline(self) -> None:
        f, s = self.f, self.s
        self.assertEqual(s.invitation_response(f.operator1, self.eid, f.operator1),
                         (Response.NONE, None))
        self.assertEqual([a.response for a in s.engagement(f.manager, self.eid).operators],
                         [Response.NONE])
        got = s.reply(SYSTEM, reply_to(self.request(), "ACCEPTED").encode())
        self.assertEqual(got.engagement, self.eid)
        self.assertEqual(got.user, f.operator1)
        self.assertEqual(got.response, Response.ACCEPTED)
        self.assertEqual(str(got.response), "accepted")
        response, at = s.invitation_response(f.manager, self.eid, f.operator1)
        self.assertEqual(response, Response.ACCEPTED)
        self.assertEqual(at, f.now)
        # The snapshot and the work lists carry the answer too.
        (assignment,) = s.engagement(f.manager, self.eid).operators
        self.assertEqual((assignment.response, assignment.responded_at),
                         (Response.ACCEPTED, f.now))
        other = f.request("Overlap", date(2026, 4, 11), date(2026, 4, 11))
        (work,) = s.operator_conflicts(f.manager, other, f.operator1)
        self.assertEqual((work.engagement, work.response), (self.eid, Response.ACCEPTED))
        s.reply(f.operator1, reply_to(self.request(), "DECLINED"))
        self.assertEqual(s.invitation_response(SYSTEM, self.eid, f.operator1)[0],
                         Response.DECLINED)

    def test_refusals(self) -> None:
        f, s = self.f, self.s
        old = reply_to(self.request(), "ACCEPTED")
        with self.assertRaises(DeniedError):
            s.reply(f.operator2, old)
        s.edit(f.manager, self.eid, f.version(self.eid), start=date(2026, 4, 13),
               end=date(2026, 4, 15))
        with self.assertRaises(ConflictError):
            s.reply(SYSTEM, old)
        self.assertEqual(s.invitation_response(SYSTEM, self.eid, f.operator1)[0], Response.NONE)
