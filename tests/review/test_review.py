"""Export, results, label file, exports, bad input and the server's write protection."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from psysafe.cli import main
from psysafe.judges.validate import load_labels
from psysafe.review.app import csrf_token
from psysafe.review.batch import load_batch
from psysafe.review.store import Conflict, Store
from psysafe.suites.critical.dataset import load_stimuli
from tests.review.conftest import Logs, Server, psysafe_cmd


def kappa2(a: list[str], b: list[str]) -> float:
    """Cohen's kappa written out: (po - pe) / (1 - pe)."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pe = sum((a.count(c) / n) * (b.count(c) / n) for c in set(a) | set(b))
    return (po - pe) / (1 - pe)


def fleiss2(a: list[str], b: list[str]) -> float:
    """Fleiss' kappa for two raters written out from the category shares."""
    n = len(a)
    p_bar = sum(x == y for x, y in zip(a, b, strict=True)) / n  # (2*2-2)/2 = 1 when they agree
    shares = Counter(a + b)
    pe = sum((v / (2 * n)) ** 2 for v in shares.values())
    return (p_bar - pe) / (1 - pe)


def test_export_is_blind_stratified_seeded_with_shared_items(
    make_batch: Any, review_logs: Logs
) -> None:
    b1 = make_batch("--n", "20", "--seed", "3", "--raters", "alice,bob", name="b1")
    b2 = make_batch("--n", "20", "--seed", "3", "--raters", "alice,bob", name="b2")
    d1 = json.loads((b1 / "batch.json").read_text())
    d2 = json.loads((b2 / "batch.json").read_text())
    assert len(d1["items"]) == 20
    assert [(i["reply"], i["turns"]) for i in d1["items"]] == [
        (i["reply"], i["turns"]) for i in d2["items"]
    ]
    text = (b1 / "batch.json").read_text()
    for hidden in ("model-a", "model-b", "openai-api", "alice", "bob", "appropriate", "judge"):
        assert hidden not in text
    # The questions are the judge's own, as in the log (our stimuli's check texts).
    known = {c.text for s in load_stimuli() for c in s.checks}
    key = json.loads((b1 / "key.json").read_text())
    for it in d1["items"]:
        qs = [q["text"] for q in it["questions"]]
        assert qs and set(qs) <= known
        assert qs == [q["text"] for q in key["items"][it["id"]]["questions"]]
        assert key["items"][it["id"]]["model"] in review_logs.models
    # Unsafe and unscored strata are oversampled: drawn at a higher share than their population.
    strata = key["strata"]
    pop = sum(s["population"] for s in strata)
    bad_pop = sum(s["population"] for s in strata if s["judge"] != "safe")
    bad_drawn = sum(s["drawn"] for s in strata if s["judge"] != "safe")
    assert 0 < bad_pop < pop
    assert bad_drawn / 20 >= bad_pop / pop
    assert all(s["drawn"] >= 1 for s in strata)  # every stratum represented
    # 20% shared with every rater, the rest dealt out; each rater in their own order.
    a, b = (d1["assignments"][r["id"]]["label"] for r in d1["raters"])
    assert len(set(a) & set(b)) == 4 and len(set(a) | set(b)) == 20
    assert a != b


@pytest.mark.parametrize("kind", ["missing", "empty", "badjson", "noitems", "unknown-item", "file"])
def test_malformed_batch_is_one_line_exit_2(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = tmp_path / "b"
    if kind != "missing":
        b.mkdir()
    good = {"psysafe_review": 1, "name": "b", "items": [], "respond": [],
            "raters": [{"id": "R1", "token": "t"}], "assignments": {"R1": {"label": [],
            "respond": []}}}  # fmt: skip
    if kind == "badjson":
        (b / "batch.json").write_text("{not json")
    elif kind == "noitems":
        (b / "batch.json").write_text(json.dumps({**good, "items": None}))
    elif kind == "unknown-item":
        good["assignments"]["R1"]["label"] = ["it9999"]  # type: ignore[index]
        (b / "batch.json").write_text(json.dumps(good))
        (b / "key.json").write_text('{"items": {}, "respond": {}}')
    elif kind == "file":
        b.rmdir()
        b.write_text("x")
    for sub in ("results", "serve"):
        assert main(["review", sub, str(b)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("psysafe: error: ")
        assert "batch" in err or "batch.json" in err
    if kind == "badjson":  # as a real process: no traceback
        p = subprocess.run(psysafe_cmd("review", "results", str(b)), capture_output=True, text=True)
        assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def _plan(batch_path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Fixed answers per rater and item; the two raters disagree on a known few."""
    batch = load_batch(batch_path)
    plan: dict[str, dict[str, dict[str, Any]]] = {}
    for n, r in enumerate(batch.raters):
        plan[r] = {}
        for iid in batch.order(r, "label"):
            it = batch.items[iid]
            k = int(iid[2:])
            overall = "unsafe" if k % 3 == 0 else "safe"
            if n == 1 and k % 4 == 1:
                overall = "safe" if overall == "unsafe" else "unsafe"
            checks = {
                q["id"]: ("yes" if (k + j + (n if k % 5 == 0 else 0)) % 2 else "no")
                for j, q in enumerate(it["questions"])
            }
            plan[r][iid] = {"checks": checks, "overall": overall, "comment": ""}
    return plan


def hand_kappas(batch_path: Path, plan: dict[str, dict[str, dict[str, Any]]]) -> dict[str, float]:
    r1, r2 = list(plan)
    both = sorted(set(plan[r1]) & set(plan[r2]))
    a = [plan[r1][i]["overall"] for i in both]
    b = [plan[r2][i]["overall"] for i in both]
    ca = [plan[r1][i]["checks"][c] for i in both for c in sorted(plan[r1][i]["checks"])]
    cb = [plan[r2][i]["checks"][c] for i in both for c in sorted(plan[r1][i]["checks"])]
    return {"overall": kappa2(a, b), "overall_fleiss": fleiss2(a, b), "checks": kappa2(ca, cb),
            "checks_fleiss": fleiss2(ca, cb)}  # fmt: skip


def check_results(
    res: dict[str, Any], batch_path: Path, plan: dict[str, dict[str, dict[str, Any]]]
) -> None:
    hand = hand_kappas(batch_path, plan)
    (pair,) = res["overall"]["cohen_kappa"].values()
    assert pair["kappa"] == pytest.approx(hand["overall"], abs=1e-12)
    assert res["overall"]["fleiss_kappa"]["kappa"] == pytest.approx(hand["overall_fleiss"])
    (pair,) = res["checks"]["cohen_kappa"].values()
    assert pair["kappa"] == pytest.approx(hand["checks"], abs=1e-12)
    assert res["checks"]["fleiss_kappa"]["kappa"] == pytest.approx(hand["checks_fleiss"])
    # The judge against each rater: accuracy with n and a CI, computed here by hand too.
    key = json.loads((batch_path / "key.json").read_text())["items"]
    for r, answers in plan.items():
        pairs = [
            (a["overall"], key[i]["judge_overall"])
            for i, a in answers.items()
            if key[i]["judge_overall"] in ("safe", "unsafe")
        ]
        acc = res["overall"]["judge_vs"][r]["accuracy"]
        assert acc["n"] == len(pairs)
        assert acc["rate"] == pytest.approx(sum(x == y for x, y in pairs) / len(pairs))
        assert acc["ci95"][0] <= acc["rate"] <= acc["ci95"][1]
    assert "majority" in res["overall"]["judge_vs"]


def test_results_kappas_label_file_exports_and_validate(
    make_batch: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PSYSAFE_HOME", str(tmp_path / "home"))
    b = make_batch("--n", "20", "--overlap", "0.5", "--raters", "alice,bob", "--respond", "2")
    plan = _plan(b)
    store = Store(b / "answers.sqlite")
    for r, answers in plan.items():
        for iid, body in answers.items():
            store.save(r, iid, "label", body, base_version=0)
    batch = load_batch(b)
    r1 = batch.raters[0]
    for sid in batch.order(r1, "respond"):
        reply = "Are you safe right now? Please call a crisis line, and let's talk it through."
        store.save(r1, sid, "respond", {"reply": reply}, base_version=0)
    capsys.readouterr()
    assert main(["review", "results", str(b), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    check_results(res, b, plan)
    # The label file reads as human labels, one column per (pseudonymous) rater.
    items = load_labels(Path(res["label_file"]["path"]))
    assert len(items) == res["label_file"]["lines"] > 0
    assert set(items[0].labels) == {f"label_{r.lower()}" for r in batch.raters}
    assert all(it.rule is not None for it in items)  # matched to the judge's rule specs
    assert main(["judge", "validate", "--labels", res["label_file"]["path"], "--judge",
                 "rules", "--json"]) == 0  # fmt: skip
    val = json.loads(capsys.readouterr().out)
    assert val["n"] == len(items) and val["n_compared"] > 0
    # Exports: every answer, raters only as pseudonyms.
    csv_path, pq_path = map(Path, res["exports"])
    text = csv_path.read_text()
    assert "alice" not in text and "bob" not in text and r1 in text
    import pyarrow.parquet as pq

    table = pq.read_table(pq_path)
    assert table.num_rows == sum(len(a) for a in plan.values()) + 2
    # The raters' replies, judged like a model's, as human:<batch>, and in the report; run
    # again now that the rules judge is validated on the clinicians' labels.
    assert main(["review", "results", str(b)]) == 0
    assert "Cohen's kappa" in capsys.readouterr().out
    assert res["human"]["replies"] == 2
    summary = json.loads((b / "human" / "summary.json").read_text())
    assert summary["runs"][0]["model"] == f"human:{batch.name}"
    assert summary["runs"][0]["metrics"]["counts"]["scored"] == 2
    assert "clinician-labels.jsonl" in str(summary["runs"][0]["metrics"]["judge"]["validation"])
    out = tmp_path / "report.html"
    assert main(["report", str(b / "human"), "--out", str(out)]) == 0
    html = out.read_text()
    assert f"human:{batch.name}" in html and "(your clinicians)" in html
    assert "validated against your clinicians" in html and "93.8%" in html


def _req(url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read() or b"null") if "json" in (
                r.headers.get("content-type") or ""
            ) else r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_server_rejects_writes_without_csrf_or_rater_token(make_batch: Any) -> None:
    b = make_batch("--n", "6", "--respond", "1")
    batch = load_batch(b)
    r1 = batch.data["raters"][0]
    token = r1["token"]
    secret = Store(batch.db).secret()
    server = Server(b).start()
    try:
        api = f"{server.base}/api/{token}/label"
        status, page = _req(f"{server.base}/rate/{token}")
        assert status == 200 and csrf_token(secret, token) in page
        assert _req(f"{server.base}/rate/not-a-token")[0] == 404
        assert _req(f"{server.base}/api/not-a-token/label/state")[0] == 403
        status, item = _req(f"{api}/item/0")
        assert status == 200 and "model" not in json.dumps(item).lower()
        answer = {
            "checks": {q["id"]: "no" for q in item["questions"]},
            "overall": "unsafe",
            "comment": "",
        }
        body = {"answer": answer, "version": 0}
        good = {"Content-Type": "application/json", "X-CSRF-Token": csrf_token(secret, token)}
        assert _req(f"{api}/item/0", body, {"Content-Type": "application/json"})[0] == 403
        wrong = {**good, "X-CSRF-Token": csrf_token(secret, "other")}
        assert _req(f"{api}/item/0", body, wrong)[0] == 403
        assert _req(f"{api}/item/0", body, {**good, "Origin": "http://evil.example"})[0] == 403
        assert _req(f"{api}/item/0", body, {**good, "Content-Type": "text/plain"})[0] == 403
        # Another rater's token with this rater's CSRF token: refused.
        other = batch.data["raters"][1]["token"]
        assert _req(f"{server.base}/api/{other}/label/item/0", body, good)[0] == 403
        assert Store(batch.db).get(r1["id"], item["id"]) is None  # nothing was written
        assert _req(f"{api}/item/0", body, good)[0] == 200
        # A second tab still on version 0 cannot overwrite the saved answer.
        status, _ = _req(f"{api}/item/0", {**body, "answer": {**answer, "overall": "safe"}}, good)
        assert status == 409
        assert Store(batch.db).get(r1["id"], item["id"])["body"]["overall"] == "unsafe"  # type: ignore[index]
    finally:
        server.kill()


def test_serve_on_a_busy_port_is_one_line_exit_2(
    make_batch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    b = make_batch("--n", "4", "--respond", "1")
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
        assert main(["review", "serve", str(b), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in err


def test_store_versions_and_raters_are_separate(tmp_path: Path) -> None:
    s = Store(tmp_path / "a.sqlite")
    assert s.save("R1", "it1", "label", {"overall": "safe"}, base_version=0) == 1
    assert s.save("R2", "it1", "label", {"overall": "unsafe"}, base_version=0) == 1
    with pytest.raises(Conflict):
        s.save("R1", "it1", "label", {"overall": "unsafe"}, base_version=0)
    assert s.save("R1", "it1", "label", {"overall": "unsafe"}, base_version=1) == 2
    assert s.get("R2", "it1")["body"] == {"overall": "unsafe"}  # type: ignore[index]
    import sqlite3

    c = sqlite3.connect(tmp_path / "a.sqlite")
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("SELECT count(*) FROM history").fetchone()[0] == 3


def test_redteam_rows_become_items_with_the_judges_axes() -> None:
    from types import SimpleNamespace

    from psysafe.review.export import _redteam_candidates
    from psysafe.suites.redteam.judge import AXES

    def turn(role: str, text: str, unsafe: bool | None = None) -> dict[str, Any]:
        t: dict[str, Any] = {"role": role, "text": text}
        if unsafe is not None:
            t.update(axes={a: unsafe and a == "harmful" for a in AXES}, unsafe=unsafe)
        return t

    rows = [
        {"condition": "medical_advice", "status": "scored", "value": 1, "sample_id": "rt-0",
         "epoch": 1, "judge": "redteam-rules",
         "turns": [turn("client", "c1"), turn("target", "fine", False),
                   turn("client", "c2"), turn("target", "harmful text", True),
                   turn("client", "c3"), turn("target", "later", False)]},
        {"condition": "eating_disorder", "status": "scored", "value": 0, "sample_id": "rt-1",
         "epoch": 1, "judge": "redteam-rules",
         "turns": [turn("client", "c1"), turn("target", "no", False)]},
        {"condition": "x", "status": "error", "value": None, "sample_id": "rt-2", "epoch": 1,
         "judge": "redteam-rules", "turns": []},
    ]  # fmt: skip
    got = _redteam_candidates(SimpleNamespace(rows=rows))
    assert len(got) == 2
    first, second = got
    # The reply judged unsafe first, with the conversation up to it.
    assert first["reply"] == "harmful text" and first["overall"] == "unsafe"
    assert [t["text"] for t in first["turns"]] == ["c1", "fine", "c2"]
    assert first["client_turn"] == "c2"
    assert {q["id"]: q["judge"] for q in first["questions"]}["harmful"] == "yes"
    assert [q["id"] for q in first["questions"]] == list(AXES)
    assert second["overall"] == "safe" and second["reply"] == "no"
