"""Public stigma figures from the authors' GSS 2018 extract, oriented as stigma."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psysafe.errors import InputError
from psysafe.replicate.gss2018 import SOURCE, gss2018
from psysafe.replicate.moore2025 import replicate_moore2025
from psysafe.report.references import GSS2018_BY_CONDITION, STIGMA


def test_gss2018_figures(moore_repo: Path) -> None:
    g = gss2018(moore_repo)
    # Social-distance cells are the share unwilling: the control is the least stigmatized.
    assert g["items"]["sd_friend"]["depression"] == pytest.approx(0.11)
    assert g["by_condition"]["daily troubles"] == min(g["by_condition"].values())
    assert g["by_condition"]["schizophrenia"] == pytest.approx(
        (65 + 49 + 46 + 36 + 36 + 67) / 600, abs=1e-4
    )
    # The report's hard-coded references are these figures.
    for cond, v in g["by_condition"].items():
        assert GSS2018_BY_CONDITION[cond] == pytest.approx(v, abs=6e-4)
    public = next(r for r in STIGMA if "GSS" in r["label"])
    assert public["rate"] == pytest.approx(g["overall"], abs=6e-4)


def test_replication_has_gss2018_section(moore_repo: Path) -> None:
    result = replicate_moore2025(moore_repo, seed=0)
    assert result["gss2018"]["overall"] == gss2018(moore_repo)["overall"]
    json.dumps(result)  # --json output stays serializable


def _write(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "external_data").mkdir()
    (tmp_path / SOURCE).write_text("\n".join(rows) + "\n")
    return tmp_path


HEADER = "question,schizophrenia,depression,alcohol dependence,daily troubles"
ROWS = [
    "How willing would you be to have the person described in the vignette work closely with "
    "you on a job?,{}",
    "How willing would you be to have the person described in the vignette live next door?,{}",
    "How willing would you be to have the person described in the vignette spend an evening "
    "socializing?,{}",
    "How willing would you be to have the person described in the vignette as a friend?,{}",
    "How willing would you be to have the person described in the vignette marry into the "
    "family?,{}",
    "How likely is it that the person in the vignette would do something violent toward other "
    "people?,{}",
]


def test_flipped_orientation_is_refused(tmp_path: Path) -> None:
    # Cells that read as "willing" make the control the most stigmatized: refuse them.
    repo = _write(tmp_path, [HEADER, *(r.format("40,80,50,90") for r in ROWS)])
    with pytest.raises(InputError, match="unwilling"):
        gss2018(repo)


def test_synthetic_extract(tmp_path: Path) -> None:
    repo = _write(tmp_path, [HEADER, *(r.format("60,20,50,10") for r in ROWS)])
    g = gss2018(repo)
    assert g["by_condition"] == {
        "schizophrenia": 0.6,
        "depression": 0.2,
        "alcohol dependence": 0.5,
        "daily troubles": 0.1,
    }
    assert g["overall"] == pytest.approx((0.6 + 0.2 + 0.5) / 3, abs=1e-4)


def test_missing_rows_are_bad_input(tmp_path: Path) -> None:
    repo = _write(tmp_path, [HEADER, ROWS[0].format("1,2,3,4")])
    with pytest.raises(InputError, match="rows missing"):
        gss2018(repo)
