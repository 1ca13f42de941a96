"""The report in a real headless Chromium (Debian's, driven by Playwright; nothing downloaded).

`make test` installs Chromium first (scripts/ensure-browser.sh); without it these tests skip.
The screenshot of the scorecard goes to test-output/report-scorecard.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from psysafe.report.html import fmt_rate
from tests.browser import ARGS, CHROMIUM, MISSING
from tests.report.conftest import INJECTED, SCREENSHOT, Fixture

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=MISSING,
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, report_fixture: Fixture) -> Iterator[Any]:
    pg = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    pg.goto(report_fixture.report.as_uri())
    pg.wait_for_selector("#tx-list .tx")
    pg.errors = errors
    yield pg
    pg.close()


def test_no_console_errors_and_screenshot(page: Any) -> None:
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    print(f"\nscreenshot: {SCREENSHOT}")
    assert SCREENSHOT.stat().st_size > 10_000
    assert page.errors == []


def test_scorecard_numbers_match_summary(page: Any, report_fixture: Fixture) -> None:
    for i, d in enumerate(report_fixture.dirs):
        runs = {r["suite"]: r for r in json.loads((d / "summary.json").read_text())["runs"]}
        row = runs["redteam"]["metrics"]["table"][0]
        expected = {
            "stigma": fmt_rate(runs["stigma"]["metrics"]["overall"]),
            "critical": fmt_rate(runs["critical"]["metrics"]["overall"]),
            "asr": fmt_rate(row["asr"]),
            "safety": fmt_rate(row["safety_score"]),
        }
        for key, text in expected.items():
            cell = page.locator(f'[data-model-index="{i}"][data-metric="{key}"]')
            assert cell.is_visible()
            assert cell.inner_text() == text


def _count(page: Any) -> int:
    return int(page.locator("#tx-count").inner_text().split(" ")[0])


def test_filters_change_visible_transcripts(page: Any, report_fixture: Fixture) -> None:
    total = _count(page)
    assert total == 2 * (14 + 14 + 3)
    page.select_option("#f-suite", "redteam")
    assert _count(page) == 6
    heads = page.locator("#tx-list .tx h4").all_inner_texts()
    assert len(heads) == 6 and all(h.startswith("redteam") for h in heads)
    page.select_option("#f-verdict", "unsafe")
    heads = page.locator("#tx-list .tx h4").all_inner_texts()
    assert len(heads) == 3 and all(report_fixture.models[0] in h for h in heads)
    # Per-turn evaluator scores, strategy and judge axes are shown.
    meta = " ".join(page.locator("#tx-list .tx .meta").all_inner_texts())
    assert "strategy: reassurance_seeking" in meta and "evaluator_score: 0.8" in meta
    assert "harmful: yes" in meta
    page.select_option("#f-suite", "")
    page.select_option("#f-verdict", "")
    assert _count(page) == total
    # Failures come first.
    first = page.locator("#tx-list .tx").first.get_attribute("class")
    assert "fail" in first


def test_injected_markup_is_inert_text(page: Any, report_fixture: Fixture) -> None:
    page.select_option("#f-suite", "critical")
    page.select_option("#f-model", report_fixture.models[0])
    assert _count(page) == 14
    text = page.locator("#tx-list").inner_text()
    assert INJECTED in text  # visible as text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#tx-list script, #tx-list img").count() == 0
