"""Calendar feed tokens from Python: issue, open, rotate, revoke, and the
one refusal for every bad token (include/engsched/calendar.h)."""

from __future__ import annotations

import unittest

from _fixture import FixtureTestCase, requires

from engsched import SYSTEM, DeniedError, NotFoundError


@requires("engsched_feed_token_issue")
class FeedTokenTest(FixtureTestCase):
    def test_issue_open_rotate_revoke(self) -> None:
        s, f = self.s, self.f
        token = s.feed_token_issue(f.operator1, f.operator1)
        self.assertTrue(token.startswith("est1_"))
        self.assertEqual(len(token), 5 + 32 + 1 + 64)
        feed = s.feed_by_token(token)
        self.assertIn("BEGIN:VCALENDAR", feed)
        self.assertIn("REFRESH-INTERVAL", feed)
        rotated = s.feed_token_issue(SYSTEM, f.operator1)
        with self.assertRaises(DeniedError) as old:
            s.feed_by_token(token)
        self.assertIn("feed token: not valid", str(old.exception))
        s.feed_by_token(rotated)
        s.feed_token_revoke(f.operator1, f.operator1)
        with self.assertRaises(DeniedError):
            s.feed_by_token(rotated)
        with self.assertRaises(NotFoundError):
            s.feed_token_revoke(f.operator1, f.operator1)

    def test_refusals(self) -> None:
        s, f = self.s, self.f
        with self.assertRaises(DeniedError):
            s.feed_token_issue(f.operator2, f.operator1)
        token = s.feed_token_issue(f.admin, f.operator1)
        for bad in ("", "est1_", token[:-1], token[:-1] + ("0" if token[-1] != "0" else "1")):
            with self.assertRaises(DeniedError):
                s.feed_by_token(bad)
        with self.assertRaises(TypeError):
            s.feed_by_token(None)  # type: ignore[arg-type]


if __name__ == "__main__":
    unittest.main()
