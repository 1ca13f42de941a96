"""Shipped synthetic transcripts, the JSONL loader, and stimulus placement."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from psysafe.errors import InputError
from psysafe.suites.critical.transcripts import (
    CONDITIONS,
    DEFAULT_PATH,
    Message,
    Transcript,
    insert_stimulus,
    load_transcripts,
    placement_positions,
    to_chat,
)

STIMULUS = ["(stimulus text for the test)"]


@pytest.fixture(scope="module")
def shipped() -> list[Transcript]:
    return load_transcripts()


def _write(tmp_path: Path, records: Sequence[object]) -> Path:
    path = tmp_path / "t.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _record(**overrides: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "id": "x1",
        "title": "A title",
        "presenting_problem": "Stress at work.",
        "conditions": ["ocd"],
        "messages": [
            {"role": "therapist", "content": "How are you?"},
            {"role": "client", "content": "Tired."},
        ],
    }
    rec.update(overrides)
    return rec


def _alternating(n: int, first: str = "client") -> Transcript:
    other = "therapist" if first == "client" else "client"
    msgs = [Message(first if i % 2 == 0 else other, f"m{i}") for i in range(n)]  # type: ignore[arg-type]
    return Transcript("t", "t", "p", ["ocd"], msgs)


# --- shipped data -------------------------------------------------------------------------------


def test_shipped_file_loads_with_enough_transcripts(shipped: list[Transcript]) -> None:
    assert DEFAULT_PATH.is_file()
    assert len(shipped) >= 8
    assert len({t.id for t in shipped}) == len(shipped)
    for t in shipped:
        assert 40 <= len(t.messages) <= 150, t.id
        assert t.title.strip() and t.presenting_problem.strip()
        assert t.conditions, t.id


def test_shipped_conditions_cover_all_and_use_known_names(shipped: list[Transcript]) -> None:
    used = {c for t in shipped for c in t.conditions}
    assert used == set(CONDITIONS)


def test_shipped_roles_alternate_sensibly(shipped: list[Transcript]) -> None:
    for t in shipped:
        run = 1
        for prev, cur in zip(t.messages, t.messages[1:], strict=False):
            run = run + 1 if prev.role == cur.role else 1
            assert run <= 2, f"{t.id}: more than 2 consecutive {cur.role} messages"
        assert sum(m.role == "client" for m in t.messages) >= 15, t.id


def test_shipped_messages_are_short_to_medium(shipped: list[Transcript]) -> None:
    for t in shipped:
        for m in t.messages:
            assert 0 < len(m.content) <= 600, (t.id, m.content[:40])


def test_shipped_file_size_is_reasonable() -> None:
    assert 100_000 <= DEFAULT_PATH.stat().st_size <= 400_000


# --- placement ----------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 5, 10, 25, 50])
def test_insert_stimulus_on_shipped(shipped: list[Transcript], k: int) -> None:
    for t in shipped:
        placements = insert_stimulus(t, STIMULUS, every_k=k)
        positions = [i for i, _ in placements]
        assert positions == sorted(set(positions))
        assert positions, t.id
        for i, msgs in placements:
            assert t.messages[i].role == "client"
            assert len(msgs) == i + 1
            assert msgs[:i] == t.messages[:i]
            assert msgs[-1] == Message("client", STIMULUS[0])


def test_insert_stimulus_count_for_k_alternating_client_first() -> None:
    t = _alternating(100, first="client")  # clients at even indices
    placements = insert_stimulus(t, STIMULUS, every_k=10)
    assert [i for i, _ in placements] == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert placements[0][1] == [Message("client", STIMULUS[0])]  # position 0: stimulus alone
    assert len(insert_stimulus(t, STIMULUS, every_k=50)) == 2
    assert len(insert_stimulus(t, STIMULUS, every_k=30)) == 4  # 0, 30, 60, 90


def test_insert_stimulus_snaps_forward_to_client_turn() -> None:
    t = _alternating(41, first="therapist")  # clients at odd indices 1..39
    placements = insert_stimulus(t, STIMULUS, every_k=10)
    assert [i for i, _ in placements] == [1, 11, 21, 31]
    i, msgs = placements[0]
    assert [m.role for m in msgs] == ["therapist", "client"]
    assert msgs[0].content == "m0"
    # the last target (40) has no client turn at or after it
    assert len(insert_stimulus(t, STIMULUS, every_k=20)) == 2  # 0->1, 20->21; 40 dropped


def test_insert_stimulus_offset_and_dedupe() -> None:
    t = _alternating(10, first="client")
    assert [i for i, _ in insert_stimulus(t, STIMULUS, every_k=1)] == [0, 2, 4, 6, 8]
    assert [i for i, _ in insert_stimulus(t, STIMULUS, every_k=4, offset=1)] == [2, 6]
    assert insert_stimulus(t, STIMULUS, every_k=4, offset=10) == []


def test_insert_stimulus_multi_turn_stimulus() -> None:
    t = _alternating(20)
    turns = ["First part.", "Second part."]
    for i, msgs in insert_stimulus(t, turns, every_k=5):
        assert [m.content for m in msgs[-2:]] == turns
        assert all(m.role == "client" for m in msgs[-2:])
        assert len(msgs) == i + 2


def test_insert_stimulus_does_not_mutate_transcript() -> None:
    t = _alternating(20)
    before = list(t.messages)
    for _, msgs in insert_stimulus(t, STIMULUS, every_k=3):
        msgs.append(Message("therapist", "extra"))
    assert t.messages == before


@pytest.mark.parametrize("k", [0, -3])
def test_bad_every_k(k: int) -> None:
    with pytest.raises(InputError, match="every_k"):
        insert_stimulus(_alternating(10), STIMULUS, every_k=k)


def test_bad_offset_and_empty_stimulus() -> None:
    with pytest.raises(InputError, match="offset"):
        placement_positions(_alternating(10).messages, 5, offset=-1)
    with pytest.raises(InputError, match="stimulus"):
        insert_stimulus(_alternating(10), [], every_k=5)
    with pytest.raises(InputError, match="stimulus"):
        insert_stimulus(_alternating(10), ["  "], every_k=5)


def test_to_chat_maps_roles() -> None:
    msgs = [Message("therapist", "Hi."), Message("client", "Hello.")]
    assert to_chat(msgs) == [
        {"role": "assistant", "content": "Hi."},
        {"role": "user", "content": "Hello."},
    ]
    chat = to_chat(msgs, system="You are a therapist.")
    assert chat[0] == {"role": "system", "content": "You are a therapist."}
    assert [c["role"] for c in chat] == ["system", "assistant", "user"]


# --- loader validation --------------------------------------------------------------------------


def test_user_file_loads_and_normalises_conditions(tmp_path: Path) -> None:
    path = _write(tmp_path, [_record(conditions=["Suicidal ideation", "self-harm"]), ""])
    (t,) = load_transcripts(path)
    assert t.conditions == ["suicidal_ideation", "self_harm"]
    assert t.messages[1] == Message("client", "Tired.")


def test_bad_json_line_names_line_number(tmp_path: Path) -> None:
    path = _write(tmp_path, [_record(), '{"id": "x2", "title": '])
    with pytest.raises(InputError) as e:
        load_transcripts(path)
    msg = str(e.value)
    assert f"{path}:2" in msg
    assert "invalid JSON" in msg and "accepted" in msg
    assert "\n" not in msg


def test_wrong_role(tmp_path: Path) -> None:
    bad = _record(messages=[{"role": "user", "content": "Hi"}])
    path = _write(tmp_path, [_record(id="ok"), _record(id="a"), bad])
    with pytest.raises(InputError, match=r"role 'user'") as e:
        load_transcripts(path)
    assert f"{path}:3" in str(e.value)
    assert "client" in str(e.value) and "therapist" in str(e.value)


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        ({k: v for k, v in _record().items() if k != "title"}, "missing field"),
        (_record(messages=[]), "messages"),
        (_record(messages=[{"role": "client", "content": "  "}]), "empty"),
        (_record(messages=[{"role": "client"}]), "content"),
        (_record(messages=[{"role": "therapist", "content": "Hi"}]), "no client"),
        (_record(conditions="ocd"), "conditions"),
        (_record(id=""), "id"),
        (["not", "an", "object"], "not a JSON object"),
    ],
)
def test_invalid_records(tmp_path: Path, record: object, fragment: str) -> None:
    path = _write(tmp_path, [json.dumps(record)])
    with pytest.raises(InputError, match=fragment) as e:
        load_transcripts(path)
    assert f"{path}:1" in str(e.value)


def test_duplicate_id_and_empty_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="duplicate"):
        load_transcripts(_write(tmp_path, [_record(), _record()]))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no transcripts"):
        load_transcripts(empty)
    with pytest.raises(InputError, match="not found"):
        load_transcripts(tmp_path / "nope.jsonl")
