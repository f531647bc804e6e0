"""The seed story in headless Chromium: a client requests an engagement
(offered only their own client) with a file and sees "view only" on it, a
manager schedules it with two operators after seeing their existing work,
a viewer sees "view only", an operator has no Availability tab, and a
canceled engagement refuses a forged edit. A screenshot of each tab and of
the drawer goes to $PORTAL_SCREENSHOTS."""

import datetime
import os
import threading
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest
from markupsafe import escape
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from engsched import EngschedError, Status

from portal import create_app
from portal_support import seeded_store, temp_dir

SHOTS = Path(os.environ.get("PORTAL_SCREENSHOTS", "screenshots"))
TODAY = datetime.date.today()
START = TODAY + datetime.timedelta(days=4)  # overlaps Alice's seeded "Acme API review"
END = TODAY + datetime.timedelta(days=6)
NAME = "Story: Acme extranet test"


@pytest.fixture(scope="module")
def portal() -> Iterator[Tuple[str, Any]]:
    with temp_dir() as directory:
        app = create_app(seeded_store(directory), secret_key="browser-test")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}", app
        server.shutdown()
        app.extensions["engsched"].close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0.5)  # pages are server-rendered: loaded when click() returns
    yield driver
    driver.quit()


def shot(driver: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def act_as(driver: Any, base: str, name: str) -> None:
    """The header's user switcher (the host's login stand-in)."""
    driver.get(base + "/list")
    element = driver.find_element(By.ID, "user")
    option = next(o for o in Select(element).options if o.text.startswith(name))
    wanted = option.get_attribute("value")
    option.click()  # onchange submits the switcher form
    WebDriverWait(driver, 5).until(expected_conditions.staleness_of(element))
    assert driver.find_element(By.ID, "user").get_attribute("value") == wanted


def set_value(driver: Any, name: str, value: str) -> None:
    field = driver.find_element(By.NAME, name)
    driver.execute_script("arguments[0].value = arguments[1]", field, value)


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, 1)"  # as Chromium reports a computed colour


def drawer_id(driver: Any) -> int:
    return int(driver.find_element(By.ID, "drawer").get_attribute("data-id"))


def test_seed_story(portal: Tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    base, app = portal
    d = browser

    # (1) the client requests an engagement with a file
    act_as(d, base, "Carl Client")
    d.get(base + "/")
    shot(d, "calendar")
    d.find_element(By.ID, "request").click()
    assert not d.find_elements(By.ID, "new"), "a client may not create"
    offered = [o.text for o in Select(d.find_element(By.NAME, "client")).options]
    assert offered == ["Acme Corp"], offered  # Carl was granted Acme only
    shot(d, "request")
    d.find_element(By.NAME, "name").send_keys(NAME)
    set_value(d, "start", START.isoformat())
    set_value(d, "end", END.isoformat())
    scope = tmp_path / "scope.txt"
    scope.write_text("in scope: extranet.acme.example\n")
    d.find_element(By.NAME, "files").send_keys(str(scope))
    d.find_element(By.CSS_SELECTOR, "#engagement-form button[type=submit]").click()
    eid = drawer_id(d)
    assert Status.PENDING.label in d.find_element(By.ID, "drawer").text
    # his own Pending request: no button of the drawer's, so "view only"
    assert d.find_element(By.ID, "view-only").is_displayed()
    d.find_element(By.ID, "files-tab").click()
    assert "scope.txt" in d.find_element(By.ID, "drawer").text
    shot(d, "drawer-files")

    # (2) the manager finds it Pending, sees the operators' work, staffs two
    act_as(d, base, "Mia Manager")
    d.get(base + "/list?tab=pending")
    row = d.find_element(By.CSS_SELECTOR, f"tr[data-id='{eid}']")
    row.find_element(By.CSS_SELECTOR, "a.view").click()
    shot(d, "drawer")
    d.find_element(By.ID, "approve").click()
    alice = app.extensions["engsched"].user_find("alice")
    bob = app.extensions["engsched"].user_find("bob")
    work = d.find_element(By.CSS_SELECTOR, f"tr[data-user='{alice}'] td.work").text
    assert "Acme API review" in work, work
    shot(d, "approve")
    for user, role in ((alice, "lead"), (bob, "tester")):
        d.find_element(By.ID, f"op-{user}").click()
        Select(d.find_element(By.NAME, f"role_{user}")).select_by_value(role)
    d.find_element(By.CSS_SELECTOR, "#approve-form button[type=submit]").click()
    drawer = d.find_element(By.ID, "drawer").text
    assert Status.SCHEDULED.label in drawer and "Alice Operator (Lead)" in drawer, drawer

    d.get(base + "/list?tab=scheduled")
    assert d.find_elements(By.CSS_SELECTOR, f"tr[data-id='{eid}']")
    badge = d.find_element(By.CSS_SELECTOR, f"tr[data-id='{eid}'] .status")
    assert badge.value_of_css_property("background-color") == rgb(Status.SCHEDULED.colour)
    shot(d, "list")
    app.config["PORTAL_PAGE_SIZE"] = 3  # pages of three: Next, then Previous
    d.get(base + "/list?tab=all")
    first = d.find_element(By.CSS_SELECTOR, "table.rows tbody").text
    d.find_element(By.ID, "next-page").click()
    assert d.find_element(By.ID, "page-number").text == "Page 2"
    shot(d, "list-pages")
    d.find_element(By.ID, "previous-page").click()
    assert d.find_element(By.CSS_SELECTOR, "table.rows tbody").text == first
    assert not d.find_elements(By.ID, "previous-page")
    app.config.pop("PORTAL_PAGE_SIZE")
    d.get(base + "/?m=" + START.strftime("%Y-%m"))
    chip = d.find_element(By.CSS_SELECTOR, f"a.chip[data-id='{eid}']")
    assert chip.get_attribute("data-status") == "scheduled"
    assert chip.value_of_css_property("background-color") == rgb(Status.SCHEDULED.colour)
    d.get(base + "/availability")
    assert "busy" not in d.find_element(By.TAG_NAME, "main").text  # Mia sees every client
    shot(d, "availability")

    # (3) the viewer: view only, no buttons
    act_as(d, base, "Vera Viewer")
    d.get(f"{base}/?e={eid}")
    assert d.find_element(By.ID, "view-only").is_displayed()
    for button in ("approve", "edit", "cancel"):
        assert not d.find_elements(By.ID, button)

    # (4) no Availability for an operator; Max (Acme only) sees Globex as busy
    act_as(d, base, "Alice Operator")
    assert not d.find_elements(By.ID, "tab-availability")
    d.get(base + "/availability")
    assert d.find_element(By.TAG_NAME, "h1").text.startswith("403")
    d.get(base + "/calendar-feed")
    d.find_element(By.CSS_SELECTOR, "main form button").click()
    feed_url = d.find_element(By.ID, "feed-url").text
    shot(d, "feed")
    with urllib.request.urlopen(feed_url, timeout=10) as feed:
        assert feed.headers.get_content_type() == "text/calendar"
        assert b"BEGIN:VCALENDAR" in feed.read()
    act_as(d, base, "Max Acme-Manager")
    d.get(base + "/availability")
    assert d.find_elements(By.CSS_SELECTOR, ".block.busy")
    assert "Globex" not in d.find_element(By.TAG_NAME, "main").text

    # (5) a canceled engagement offers no Edit; a forged edit is refused 409
    act_as(d, base, "Mia Manager")
    d.get(base + "/list?tab=canceled")
    d.find_element(By.CSS_SELECTOR, "a.view").click()
    canceled = drawer_id(d)
    assert not d.find_elements(By.ID, "edit")
    csrf = d.find_element(By.NAME, "csrf").get_attribute("value")
    status, text = d.execute_async_script(
        """const [url, csrf, done] = arguments;
        const body = new URLSearchParams({csrf, version: "1", name: "forged",
                                          start: "2030-01-01", end: "2030-01-02"});
        fetch(url, {method: "POST", body}).then(async r => done([r.status, await r.text()]));""",
        f"{base}/engagement/{canceled}/edit", csrf)
    assert status == 409, text
    assert 'id="error-message"' in text and "Traceback" not in text
    try:  # the same forged edit through the bindings: its message is the page's
        app.extensions["engsched"].edit(app.extensions["engsched"].user_find("mia"), canceled, 1,
                                        name="forged")
    except EngschedError as refusal:
        assert str(escape(refusal.message)) in text  # as Jinja escapes it
    else:
        raise AssertionError("the library took an edit of a canceled engagement")
