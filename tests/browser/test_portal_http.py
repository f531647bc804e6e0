"""The portal's refusals over HTTP (Flask's test client): every bad input
gets its status and the library's message, and nothing is stored."""

import datetime
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from markupsafe import escape

from engsched import (
    Action,
    ConflictError,
    EngagementId,
    Scheduler,
    StateError,
    Status,
    Tab,
    UserId,
)

from portal import create_app
from portal_support import seeded_store, temp_dir

CSRF = "test-csrf-token"
FILE_MAX = 4000  # bytes: the store's file_max_bytes in these tests


@pytest.fixture(scope="module")
def app() -> Iterator[Any]:
    with temp_dir() as directory:
        path = seeded_store(directory, {"file_max_bytes": str(FILE_MAX)})
        application = create_app(path, secret_key="test")
        yield application
        application.extensions["engsched"].close()


def store(app: Any) -> Scheduler:
    s = app.extensions["engsched"]
    assert isinstance(s, Scheduler)
    return s


def uid(app: Any, key: str) -> UserId:
    found = store(app).user_find(key)
    assert found is not None
    return found


def client_as(app: Any, key: str) -> Any:
    """A test client acting as the demo user ``key``, with a known CSRF token."""
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["user"] = uid(app, key)
        sess["csrf"] = CSRF
    return c


def by_name(app: Any, name: str) -> Tuple[EngagementId, int]:
    """(id, version) of a seeded engagement, as the manager sees it."""
    for tab in (Tab.ALL, Tab.CANCELED):  # All leaves the canceled out
        for row in store(app).iter_list(uid(app, "mia"), tab=tab):
            if row.name == name:
                return row.id, row.version
    raise AssertionError(f"no engagement {name!r}")


def details(**extra: Any) -> Dict[str, Any]:
    start = datetime.date.today() + datetime.timedelta(days=30)
    fields = {"csrf": CSRF, "name": "HTTP test", "start": start.isoformat(),
              "end": (start + datetime.timedelta(days=2)).isoformat()}
    fields.update(extra)
    return fields


def refused(app: Any, response: Any, status: int, seq: int, text: str = "") -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body
    assert "Traceback" not in body
    if text:
        assert text in body
    assert store(app).events_last_seq() == seq, "a refused request changed the store"


def test_pages_render(app: Any) -> None:
    c = client_as(app, "mia")
    for url in ("/", "/list", "/list?tab=pending", "/availability", "/calendar-feed",
                "/request", "/new"):
        assert c.get(url).status_code == 200, url


def test_forged_csrf_is_400(app: Any) -> None:
    seq = store(app).events_last_seq()
    c = client_as(app, "carl")
    acme = store(app).client_find("acme")
    for token in ("forged", ""):
        r = c.post("/request", data=details(csrf=token, client=str(acme)))
        refused(app, r, 400, seq, "security token")


def test_page_tokens_foreign_or_garbled_are_400(app: Any) -> None:
    seq = store(app).events_last_seq()
    mias = store(app).list(uid(app, "mia"), tab=Tab.ALL, limit=1).next_token
    assert mias is not None
    c = client_as(app, "carl")
    for token in (mias, "es2.garbage", "not-a-token"):
        r = c.get("/list", query_string={"tab": "all", "token": token})
        refused(app, r, 400, seq, "token")


def test_list_pages_with_the_librarys_tokens(app: Any, monkeypatch: Any) -> None:
    import re

    monkeypatch.setitem(app.config, "PORTAL_PAGE_SIZE", 2)
    c = client_as(app, "mia")
    expected = [row.id for row in store(app).iter_list(uid(app, "mia"), tab=Tab.ALL)]
    forward: List[List[int]] = []
    url = "/list?tab=all"
    while url:  # Next page to the end
        body = c.get(url).get_data(as_text=True)
        assert "offset" not in body
        forward.append([int(i) for i in re.findall(r'<tr data-id="(\d+)"', body)])
        assert f"Page {len(forward)}<" in body
        url = _link(body, "next-page")
        assert not url or "token=" in url
    assert sum(forward, []) == expected and len(forward) >= (len(expected) + 1) // 2 >= 2
    backward = [forward[-1]]
    url = _link(body, "previous-page")
    while url:  # then Previous page back to the first: the same pages
        body = c.get(url).get_data(as_text=True)
        backward.append([int(i) for i in re.findall(r'<tr data-id="(\d+)"', body)])
        url = _link(body, "previous-page")
    assert backward[::-1] == forward
    assert 'id="first-page"' not in body and 'id="next-page"' in body


def _link(body: str, element_id: str) -> str:
    import re

    found = re.search(f'id="{element_id}" href="([^"]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else ""


def test_oversized_upload_is_413(app: Any) -> None:
    s = store(app)
    seq = s.events_last_seq()
    acme = s.client_find("acme")
    c = client_as(app, "carl")
    # over the library's limit, under Flask's: the library refuses it (ETOOBIG)
    small = details(client=str(acme), files=(_file(FILE_MAX + 1), "big.bin"))
    refused(app, c.post("/request", data=small, content_type="multipart/form-data"), 413, seq)
    # over Flask's MAX_CONTENT_LENGTH, set from the library's limits
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = details(client=str(acme), files=(_file(limit + 1), "huge.bin"))
    refused(app, c.post("/request", data=huge, content_type="multipart/form-data"), 413, seq)


def _file(size: int) -> Any:
    import io

    return io.BytesIO(b"x" * size)


def test_out_of_scope_engagement_is_404(app: Any) -> None:
    seq = store(app).events_last_seq()
    globex, version = by_name(app, "Globex payment gateway")
    c = client_as(app, "carl")
    refused(app, c.get(f"/?e={globex}"), 404, seq)
    r = c.post(f"/engagement/{globex}/cancel",
               data={"csrf": CSRF, "version": str(version), "reason": "forged"})
    refused(app, r, 404, seq)


def test_denied_is_403(app: Any) -> None:
    s = store(app)
    seq = s.events_last_seq()
    c = client_as(app, "vera")
    r = c.post("/request", data=details(client=str(s.client_find("acme"))))
    refused(app, r, 403, seq)
    refused(app, client_as(app, "alice").get("/availability"), 403, seq)


def test_stale_version_is_409_with_the_librarys_message(app: Any) -> None:
    s = store(app)
    eid, version = by_name(app, "Acme API review")
    c = client_as(app, "mia")
    assert c.get(f"/engagement/{eid}/edit").status_code == 200
    s.edit(uid(app, "mia"), eid, version, description="changed meanwhile")
    seq = s.events_last_seq()
    r = c.post(f"/engagement/{eid}/edit", data=details(version=str(version), name="Stale"))
    refused(app, r, 409, seq)
    with pytest.raises(ConflictError) as refusal:  # the library's own words must be on the page
        s.edit(uid(app, "mia"), eid, version, name="Stale")
    assert refusal.value.message in r.get_data(as_text=True)
    assert s.engagement(uid(app, "mia"), eid).name == "Acme API review"


def test_forged_fields_are_refused(app: Any) -> None:
    s = store(app)
    seq = s.events_last_seq()
    eid, version = by_name(app, "Acme phishing exercise")
    c = client_as(app, "mia")
    for version_text in ("seven", "-1", "1_0", " 7"):
        r = c.post(f"/engagement/{eid}/edit", data=details(version=version_text))
        refused(app, r, 400, seq, "is not a number")
    r = c.post(f"/engagement/{eid}/approve",
               data=details(version=str(version), operator="999999"))
    refused(app, r, 400, seq, "operator: user 999999 not found")  # the library's EINVAL
    r = c.post(f"/engagement/{eid}/approve", data=details(version=str(version), start="soon"))
    refused(app, r, 400, seq, "not a date")
    assert s.engagement(uid(app, "mia"), eid).status == Status.PENDING


def test_canceled_offers_no_edit_and_refuses_a_forged_one(app: Any) -> None:
    s = store(app)
    eid, version = by_name(app, "Acme red team (dropped)")
    c = client_as(app, "mia")
    drawer = c.get(f"/list?e={eid}").get_data(as_text=True)
    assert 'id="edit"' not in drawer and 'id="cancel"' not in drawer
    seq = s.events_last_seq()
    r = c.post(f"/engagement/{eid}/edit", data=details(version=str(version)))
    refused(app, r, 409, seq)
    with pytest.raises(StateError) as refusal:
        s.edit(uid(app, "mia"), eid, version, name="forged")
    assert refusal.value.message in r.get_data(as_text=True)


def test_request_with_a_file_then_download(app: Any) -> None:
    s = store(app)
    c = client_as(app, "carl")
    data = details(client=str(s.client_find("acme")), name="Upload test",
                   files=(_file(100), "scope.txt"))
    r = c.post("/request", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)
    eid, _ = by_name(app, "Upload test")
    files = s.files(uid(app, "carl"), eid)
    assert [f.name for f in files] == ["scope.txt"]
    got = c.get(f"/engagement/{eid}/files/{files[0].id}")
    assert got.status_code == 200 and got.data == b"x" * 100


def test_feed_url_serves_the_calendar(app: Any) -> None:
    c = client_as(app, "alice")
    body = c.post("/calendar-feed", data={"csrf": CSRF}).get_data(as_text=True)
    start = body.index("/feed/")
    url = body[start:body.index(".ics", start) + 4]
    feed = app.test_client().get(url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "BEGIN:VCALENDAR" in feed.get_data(as_text=True)
    assert app.test_client().get("/feed/forged.ics").status_code == 403


def test_bad_month_is_400(app: Any) -> None:
    r = client_as(app, "mia").get("/?m=2026-13")
    assert r.status_code == 400 and "month" in r.get_data(as_text=True)


def test_unexpected_error_is_a_generic_500(app: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(store(app), "list", broken)
    r = client_as(app, "mia").get("/list")
    body = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "secret detail" not in body and "Traceback" not in body
    assert not app.debug


def test_new_engagement_with_operators_then_edit_and_cancel(app: Any) -> None:
    s = store(app)
    mia, alice = uid(app, "mia"), uid(app, "alice")
    c = client_as(app, "mia")
    data = details(client=str(s.client_find("acme")), name="Direct create",
                   report_title="Direct report", operator=str(alice), **{f"role_{alice}": "lead"})
    assert c.post("/new", data=data).status_code == 302
    eid, version = by_name(app, "Direct create")
    e = s.engagement(mia, eid)
    assert e.status == Status.SCHEDULED and e.operator_ids == [alice]
    assert e.report_title == "Direct report"
    edited = details(version=str(version), name="Direct create, edited")
    assert c.post(f"/engagement/{eid}/edit", data=edited).status_code in (200, 302)
    e = s.engagement(mia, eid)
    assert e.name == "Direct create, edited"
    r = c.post(f"/engagement/{eid}/cancel",
               data={"csrf": CSRF, "version": str(e.version), "reason": "client withdrew"})
    assert r.status_code == 302
    e = s.engagement(mia, eid)
    assert e.status == Status.CANCELED and e.cancel_reason == "client withdrew"


def test_forms_offer_only_the_clients_the_user_was_granted(app: Any) -> None:
    # The host's directory (portal/demo.py) says who may work for which
    # client; a form never names a client the user may not see.
    for key, url in (("carl", "/request"), ("max", "/request"), ("max", "/new")):
        body = client_as(app, key).get(url).get_data(as_text=True)
        assert "Acme Corp" in body, (key, url)
        assert "Globex" not in body, (key, url)
    for url in ("/request", "/new"):  # an all-clients manager is offered every client
        body = client_as(app, "mia").get(url).get_data(as_text=True)
        assert "Acme Corp" in body and "Globex" in body, url


def test_a_forged_client_is_still_refused(app: Any) -> None:
    s = store(app)
    seq = s.events_last_seq()
    r = client_as(app, "carl").post("/request", data=details(client=str(s.client_find("globex"))))
    refused(app, r, 404, seq)


def drawer_of(app: Any, key: str, eid: EngagementId) -> str:
    response = client_as(app, key).get(f"/list?e={eid}")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_view_only_whenever_no_drawer_action_is_allowed(app: Any) -> None:
    s = store(app)
    eid, _ = by_name(app, "Acme web app test")  # Carl's own Pending request
    assert s.engagement(uid(app, "carl"), eid).status == Status.PENDING
    # Carl may do more than VIEW (upload files) but none of the drawer's actions
    caps = s.capabilities(uid(app, "carl"), eid)
    assert caps != Action.VIEW and not caps & (Action.APPROVE | Action.EDIT | Action.CANCEL)
    for key in ("carl", "vera"):
        body = drawer_of(app, key, eid)
        assert 'id="view-only"' in body, key
        for button in ("approve", "edit", "cancel"):
            assert f'id="{button}"' not in body, (key, button)
    body = drawer_of(app, "mia", eid)  # the manager has buttons and no message
    assert 'id="approve"' in body and 'id="view-only"' not in body


def test_ids_that_are_not_numbers_are_400(app: Any) -> None:
    seq = store(app).events_last_seq()
    c = client_as(app, "mia")
    eid, version = by_name(app, "Acme phishing exercise")
    for url in ("/?e=seven", "/?e=-3", "/?e=0", "/?e=1_0", "/?e=+3", "/?e=%207", f"/?e={2**64}",
                "/engagement/seven/edit", f"/engagement/{eid}/files/x",
                "/engagement/%20/report"):
        refused(app, c.get(url), 400, seq, "is not an id")
    r = c.post("/engagement/seven/cancel", data={"csrf": CSRF, "version": str(version)})
    refused(app, r, 400, seq, str(escape("engagement: 'seven' is not an id")))
    r = c.post("/request", data=details(client="acme"))
    refused(app, r, 400, seq, str(escape("client: 'acme' is not an id")))
    r = c.post("/switch", data={"csrf": CSRF, "user": "mia"})
    refused(app, r, 400, seq, str(escape("user: 'mia' is not an id")))
