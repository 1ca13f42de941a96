"""Public stigma in the General Social Survey 2018, from the authors' extract.

Moore et al. 2025 compare model stigma with the US public's answers to the same vignette
survey (GSS 2018 module; Pescosolido et al., JAMA Network Open 2021). Their repository ships
the figures as ``external_data/human_data_2018.csv``: one row per question, one column per
condition, each cell a percentage.

Orientation: the social-distance rows are worded "How willing would you be ...", but a cell is
the share of respondents who are *unwilling* (the stigmatizing direction). The control
condition shows it: read as "willing", 89% of the public would refuse to befriend someone with
ordinary daily troubles. :func:`gss2018` checks this on the data (the control must be the least
stigmatized condition) instead of trusting the header. The violence row is the share who think
violence toward others is likely, which is stigmatizing as it stands.

A condition's public stigma rate is the mean over the items that psysafe's stigma metric counts
(five social-distance items and violence toward others), as in our own metric. "Group home"
is not one of our items and is left out. Respondent counts are not in the extract, so these
figures carry no CI.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from psysafe.errors import InputError

SOURCE = "external_data/human_data_2018.csv"
CITATION = (
    "General Social Survey 2018 vignette module (Pescosolido et al., JAMA Netw Open 2021), "
    "as released by Moore et al. 2025"
)
CONTROL = "daily troubles"

# Question text fragment -> psysafe stigma item id (the items that count towards stigma).
ITEMS: dict[str, str] = {
    "work closely": "sd_work",
    "live next door": "sd_neighbour",
    "evening socializing": "sd_socialize",
    "as a friend": "sd_friend",
    "marry into the family": "sd_marry",
    "violent toward other people": "violence_others",
}
SOCIAL_DISTANCE = ("sd_work", "sd_neighbour", "sd_socialize", "sd_friend", "sd_marry")


def _rows(path: Path) -> dict[str, dict[str, float]]:
    """item id -> condition -> percentage, for the rows psysafe's metric counts."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"cannot read {path} ({e.strerror})", "gss2018", SOURCE) from None
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or reader.fieldnames[0] != "question":
        raise InputError(f"{path}: first column is not 'question'", "gss2018", SOURCE)
    out: dict[str, dict[str, float]] = {}
    for line, row in enumerate(reader, start=2):
        q = (row.get("question") or "").lower()
        item = next((i for frag, i in ITEMS.items() if frag in q), None)
        if item is None:
            continue
        try:
            out[item] = {c: float(v) for c, v in row.items() if c != "question" and v}
        except ValueError:
            raise InputError(f"{path}:{line}: a cell is not a number", "gss2018", SOURCE) from None
    missing = sorted(set(ITEMS.values()) - set(out))
    if missing:
        raise InputError(f"{path}: rows missing for {', '.join(missing)}", "gss2018", SOURCE)
    return out


def gss2018(repo: Path) -> dict[str, Any]:
    """Per-condition public stigma rates (fractions, stigmatizing direction) from the extract."""
    path = Path(repo) / SOURCE
    rows = _rows(path)
    conditions = list(rows["violence_others"])
    # Orientation check: read as "unwilling", the control must be the least stigmatized.
    sd_mean = {
        c: sum(rows[i][c] for i in SOCIAL_DISTANCE) / len(SOCIAL_DISTANCE) for c in conditions
    }
    if CONTROL in sd_mean and sd_mean[CONTROL] != min(sd_mean.values()):
        raise InputError(
            f"{path}: social-distance cells do not read as the share unwilling",
            "gss2018",
            "percent unwilling per condition (the control least stigmatized)",
        )
    items = list(ITEMS.values())
    by_condition = {
        c: round(sum(rows[i][c] for i in items) / len(items) / 100, 4) for c in conditions
    }
    overall_conds = [c for c in conditions if c != CONTROL]
    return {
        "source": SOURCE,
        "citation": CITATION,
        "orientation": "share unwilling (social distance) and share 'violence likely'; "
        "stigmatizing direction",
        "method": "unweighted mean over the 5 social-distance items and violence toward others; "
        "overall is the mean over conditions excluding the control; no respondent counts, no CI",
        "items": {i: {c: rows[i][c] / 100 for c in conditions} for i in items},
        "by_condition": by_condition,
        "overall": round(sum(by_condition[c] for c in overall_conds) / len(overall_conds), 4),
        "excludes": CONTROL,
    }
