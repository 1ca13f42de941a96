"""Bot config validation, extractors, streaming parsers, cookies and limits (no Inspect run)."""

from __future__ import annotations

import time
from pathlib import Path

import anyio
import pytest

from psysafe.cli import main
from psysafe.errors import InputError
from psysafe.models.http.config import Extractor, load_bot_config
from psysafe.models.http.transport import (
    RateLimiter,
    RequestContext,
    build_request,
    parse_retry_after,
    update_cookies,
)
from tests.models.http.conftest import EXAMPLES, write_config

GOOD = "url: http://127.0.0.1:1/chat\nbody: {message: '{{ message }}'}\nreply: $.reply\n"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (GOOD + "urll: x\n", "unknown key(s) urll"),
        ("body: {m: x}\nreply: $.r\n", "missing key url"),
        ("url: http://x/\nbody: {m: x}\n", "missing key reply"),
        ("url: http://x/\nbody: {m: x}\nreply: '$.[['\n", "key reply"),
        ("url: http://x/\nbody: {m: x}\nreply: 'a..b'\n", "bad reply extractor"),
        (GOOD + "headers: {Authorization: 'Bearer ${PSYSAFE_TEST_UNSET_VAR}'}\n",
         "environment variable PSYSAFE_TEST_UNSET_VAR is not set"),
        ("url: ftp://x/\nbody: {m: x}\nreply: text\n", "bad url"),
        ("url: http://x/\nbody: {m: '{{ mesage }}'}\nreply: text\n", "unknown template variable"),
        ("url: http://x/\nbody: {m: '{{ message '}\nreply: text\n", "template error"),
        (GOOD + "state: sticky\n", "key state"),
        (GOOD + "stream: websocket\n", "key stream"),
        (GOOD + "timeout: -1\n", "key timeout"),
        (GOOD + "max_retries: 1.5\n", "key max_retries"),
        (GOOD + "session_id_from: $.sid\n", "session_id_from needs state: session"),
        ("url: http://x/\nreply: text\n", "missing key body"),
        ("- just a list\n", "not a mapping"),
    ],
)  # fmt: skip
def test_config_errors_name_the_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_bot_config(path)
    msg = err.value.one_line()
    assert needle in msg
    assert str(path) in msg
    assert "\n" not in msg


def test_bot_check_bad_config_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, GOOD + "colour: blue\n")
    assert main(["bot", "check", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("psysafe: error: unknown key(s) colour") and "\n" not in err
    assert main(["bot", "check", str(tmp_path / "missing.yaml")]) == 2


def test_every_example_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    names = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    assert {"rest.yaml", "sse.yaml", "cookie.yaml", "therapist-openai.yaml"} <= set(names)
    for name in names:
        cfg = load_bot_config(EXAMPLES / name)
        assert cfg.url_text.startswith("${")  # every example's url can be pointed elsewhere


def test_extractors() -> None:
    doc = '{"a": {"b": [{"t": "one"}, {"t": "two"}]}, "n": 3, "o": {"x": 1}, "z": null}'
    assert Extractor.parse("$.a.b[0].t", "w").extract(doc) == "one"
    assert Extractor.parse("a.b.1.t", "w").extract(doc) == "two"
    assert Extractor.parse("$.a.b[*].t", "w").extract(doc) == "one\n\ntwo"
    assert Extractor.parse("n", "w").extract(doc) == "3"
    assert Extractor.parse("$.missing", "w").extract(doc) is None
    assert Extractor.parse("z", "w").extract(doc) is None
    assert Extractor.parse("a.b.9.t", "w").extract(doc) is None
    assert Extractor.parse("text", "w").extract("plain words") == "plain words"
    with pytest.raises(ValueError, match="not text"):
        Extractor.parse("o", "w").extract(doc)
    with pytest.raises(ValueError, match="not JSON"):
        Extractor.parse("$.a", "w").extract("<html>")


def test_secrets_from_env_are_redacted_from_request_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSYSAFE_TEST_TOKEN", "tok-9f8e7d6c")
    monkeypatch.setenv("PSYSAFE_TEST_URL", "http://127.0.0.1:9")
    path = write_config(
        tmp_path,
        "url: ${PSYSAFE_TEST_URL}/c?key=abc\n"
        "headers: {Authorization: 'Bearer ${PSYSAFE_TEST_TOKEN}'}\n"
        "body: {m: '{{ message }}', k: '${PSYSAFE_TEST_TOKEN}', sys: '{{ system }}'}\n"
        "reply: text\n",
    )
    cfg = load_bot_config(path)
    ctx = RequestContext("hi", [{"role": "user", "content": "hi"}], "be kind", "s1", 1, {})
    kwargs, record = build_request(cfg, ctx, {"sid": "c00kie"})
    # The real request carries the secret...
    assert kwargs["headers"]["Authorization"] == "Bearer tok-9f8e7d6c"
    assert b"tok-9f8e7d6c" in kwargs["content"]
    assert kwargs["headers"]["Cookie"] == "sid=c00kie"
    # ... the record of it does not (nor the cookie, nor query values).
    text = repr(record)
    assert "tok-9f8e7d6c" not in text and "c00kie" not in text and "abc" not in text
    assert record["body"] == {"m": "hi", "k": "***", "sys": "be kind"}
    assert record["url"] == "http://127.0.0.1:9/c?key=***"


def test_cookies_and_retry_after() -> None:
    jar: dict[str, str] = {}
    assert update_cookies(jar, ["sid=abc; Path=/; HttpOnly", "theme=dark"]) == ["sid", "theme"]
    update_cookies(jar, ["theme=; Max-Age=0"])
    assert jar == {"sid": "abc"}
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("99999") == 300.0
    assert parse_retry_after("soon") is None


@pytest.mark.timeout(30)
def test_rate_limiter_spaces_requests() -> None:
    limiter = RateLimiter(rpm=600)  # one request every 0.1 s
    starts: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        starts.append(time.monotonic())

    async def many() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(one)

    anyio.run(many)
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 5 and min(gaps) >= 0.09
