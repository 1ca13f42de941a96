"""Two raters in a real headless Chromium on a 20-item batch, against a real server process that
is SIGKILLed midway and restarted; then `psysafe review results` against kappas done by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from psysafe.cli import main
from psysafe.review.batch import load_batch
from psysafe.review.store import Store
from tests.browser import ARGS, CHROMIUM, MISSING
from tests.review.conftest import INJECTED, Server
from tests.review.test_review import _plan, check_results

SCREENSHOT = Path(__file__).resolve().parents[2] / "test-output" / "review-page.png"

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=MISSING,
    ),
]

REPLIES = [
    "I'm glad you told me. Are you thinking about ending your life? We can call 988 together.",
    "That sounds exhausting. <script>window.__pwned=3</script> Is anyone with you tonight?",
    "Thank you for trusting me with this. Let's talk about how to keep you safe right now.",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _open(browser: Any, url: str) -> Any:
    ctx = browser.new_context(viewport={"width": 1100, "height": 800})
    page = ctx.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on(
        "request",
        lambda r: None if r.url.startswith("http://127.0.0.1") else page.errors.append(r.url),
    )
    page.goto(url)
    _ready(page)
    return page


def _ready(page: Any, selector: str = "body[data-item]") -> None:
    # Selector waits, not wait_for_function: the page's CSP forbids eval, which that needs.
    page.locator(selector).wait_for(state="attached")


def _item(page: Any) -> str:
    return str(page.evaluate("document.body.dataset.item"))


def _next(page: Any, before: str) -> None:
    _ready(page, f"body:not([data-item={json.dumps(before)}])")


def _label_one(page: Any, plan: dict[str, dict[str, Any]], comment: str = "") -> str:
    """Answer the item on screen with keys only, as planned; returns its id."""
    iid = _item(page)
    want = plan[iid]
    n = page.locator("#questions li").count()
    assert n == len(want["checks"])
    for li in range(n):
        cid = page.locator("#questions li").nth(li).get_attribute("data-check")
        page.keyboard.press("y" if want["checks"][cid] == "yes" else "n")
    page.keyboard.press("s" if want["overall"] == "safe" else "u")
    if comment:
        page.keyboard.press("c")
        page.keyboard.type(comment)
        page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    _next(page, iid)
    return iid


def _progress(page: Any) -> str:
    return str(page.locator("#progress-text").inner_text())


def test_two_raters_label_respond_survive_sigkill_and_results(
    browser: Any, make_batch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    b = make_batch("--n", "20", "--raters", "2", "--overlap", "0.5", "--respond", "3")
    batch = load_batch(b)
    r1, r2 = batch.raters
    plan = _plan(b)
    total = {r: len(batch.order(r, "label")) for r in (r1, r2)}
    assert total == {r1: 15, r2: 15}
    server = Server(b).start()
    try:
        links = server.links()
        p1, p2 = _open(browser, links[r1]), _open(browser, links[r2])
        SCREENSHOT.parent.mkdir(exist_ok=True)
        p1.screenshot(path=str(SCREENSHOT), full_page=True)
        # r2 skips their first item (to come back to it), then both work at once.
        first2 = _item(p2)
        p2.keyboard.press("ArrowRight")
        _next(p2, first2)
        assert "1 skipped" in _progress(p2)
        done1: list[str] = []
        for step in range(6):
            done1.append(_label_one(p1, plan[r1], comment="needs a safety question" * (step == 0)))
            _label_one(p2, plan[r2])
        # Back to the previous item: the answer given is shown, then move on without change.
        cur = _item(p1)
        p1.keyboard.press("ArrowLeft")
        _next(p1, cur)
        assert _item(p1) == done1[-1]
        checked = p1.locator('input[name="overall"]:checked').get_attribute("value")
        assert checked == plan[r1][done1[-1]]["overall"]
        p1.keyboard.press("ArrowRight")
        _next(p1, done1[-1])
        assert _progress(p1).startswith(f"6 of {total[r1]} answered")

        # SIGKILL midway; restart; the rater reloads their link and resumes where they stopped.
        server.kill()
        server = Server(b, port=server.port).start()
        p1.reload()
        _ready(p1)
        assert _item(p1) == batch.order(r1, "label")[6]
        assert _progress(p1).startswith(f"6 of {total[r1]} answered")
        assert p1.locator("#position").inner_text().startswith(f"Item 7 of {total[r1]}")
        # r2's page was open through the restart and keeps saving (CSRF secret is kept).
        while _item(p2):
            _label_one(p2, plan[r2])
        p2.reload()  # resume goes to the skipped item
        _ready(p2)
        assert _item(p2) == first2
        _label_one(p2, plan[r2])
        assert _progress(p2).startswith(f"{total[r2]} of {total[r2]} answered")
        seen_injected = False
        while _item(p1):
            reply = p1.locator("#reply .text").inner_text()
            if INJECTED in reply:
                seen_injected = True  # markup shown as text
            _label_one(p1, plan[r1])
        assert seen_injected

        # Respond mode: r1 writes replies to the 3 stimuli.
        p1.click("#m-respond")
        _ready(p1, 'body[data-item^="st-"]')
        for text in REPLIES:
            sid = _item(p1)
            assert p1.locator("#stimulus .turn.client").count() >= 1
            p1.keyboard.type(text)  # the reply box has focus
            p1.keyboard.press("Control+Enter")
            _next(p1, sid)
        p1.keyboard.press("ArrowLeft")  # back: the stored reply comes back as written
        _ready(p1, 'body[data-item^="st-"]')
        assert p1.locator("#own-reply").input_value() == REPLIES[-1]
        for p in (p1, p2):
            assert p.evaluate("typeof window.__pwned") == "undefined"
            assert p.locator("main script, main img").count() == 0
            assert p.errors == []
    finally:
        server.kill()

    # Nothing lost: every planned answer is in the database, as given.
    stored = {(a["rater"], a["item"]): a for a in Store(b / "answers.sqlite").all()}
    for r in (r1, r2):
        for iid, want in plan[r].items():
            got = stored[(r, iid)]
            assert not got["skipped"]
            assert got["body"]["checks"] == want["checks"]
            assert got["body"]["overall"] == want["overall"]
    assert stored[(r1, done1[0])]["body"]["comment"] == "needs a safety question"
    replies = {a["body"]["reply"] for a in stored.values() if a["mode"] == "respond"}
    assert replies == set(REPLIES)

    # In this process, where Inspect (which judges the human replies) is already imported; on a
    # thread of its own, as Playwright's sync API holds an event loop on this one.
    capsys.readouterr()
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(main, ["review", "results", str(b), "--json"]).result() == 0
    res = json.loads(capsys.readouterr().out)
    check_results(res, b, plan)
    assert res["human"]["replies"] == 3
