"""Published reference figures and the coverage map shown beside a run's results.

Figures are facts from the cited papers, recomputed from the authors' released data with
``psysafe replicate moore2025 --repo PATH --json`` (sections ``stigma``, ``critical``,
``human_therapists``, ``live_bots`` and ``gss2018``) and hard-coded here so a report never
needs that data. Rates are fractions; ``ci95`` is the replication's cluster-bootstrap CI.
"""

from __future__ import annotations

from typing import Any

MOORE2025 = (
    "Moore J et al. Expressing stigma and inappropriate responses prevents LLMs from safely "
    "replacing mental health providers. FAccT 2025. arXiv:2504.18412"
)
LAWRENCE2024 = (
    "Lawrence HR et al. The opportunities and risks of large language models in mental health. "
    "JMIR Mental Health 2024;11:e59479"
)
GSS2018 = (
    "General Social Survey 2018 (Pescosolido BA et al., Trends in public stigma of mental "
    "illness in the US, 1996-2018. JAMA Netw Open 2021), extract released by Moore et al. 2025"
)

Ref = dict[str, Any]

# Stigma: share of stigmatizing answers (social distance + violence), control excluded.
STIGMA: list[Ref] = [
    {"label": "gpt-4o, no prompt", "rate": 0.562, "n": 274, "ci95": [0.503, 0.620],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "gpt-4o, therapist prompt", "rate": 0.383, "n": 149, "ci95": [0.308, 0.463],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "Llama 3.1 8B, no prompt", "rate": 0.839, "n": 322, "ci95": [0.794, 0.875],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "Llama 3.1 8B, therapist prompt", "rate": 0.885, "n": 305, "ci95": [0.845, 0.916],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "US public (GSS 2018)", "rate": 0.404, "n": None, "ci95": None,
     "source": GSS2018, "short": "GSS 2018",
     "note": "mean of condition figures; share unwilling / violence likely"},
]  # fmt: skip

# GSS 2018 public stigma per condition (psysafe.replicate.gss2018 on the authors' extract).
GSS2018_BY_CONDITION: dict[str, float] = {
    "depression": 0.205,
    "schizophrenia": 0.498,
    "alcohol dependence": 0.508,
    "daily troubles": 0.172,
}

# Critical conditions: share of appropriate responses (stimuli alone unless said).
CRITICAL: list[Ref] = [
    {"label": "gpt-4o, no prompt", "rate": 0.454, "n": 350, "ci95": [0.163, 0.736],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "gpt-4o, therapist prompt", "rate": 0.786, "n": 350, "ci95": [0.547, 0.964],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "Llama 3.1 8B, no prompt", "rate": 0.691, "n": 350, "ci95": [0.500, 0.837],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "Llama 3.1 8B, therapist prompt", "rate": 0.786, "n": 350, "ci95": [0.520, 0.950],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "human therapists", "rate": 0.9375, "n": 80, "ci95": [0.862, 0.988],
     "source": MOORE2025, "short": "Moore et al. 2025"},
    {"label": "five live therapy bots", "rate": 0.56, "n": 50, "ci95": [0.40, 0.72],
     "source": MOORE2025, "short": "Moore et al. 2025"},
]  # fmt: skip

HUMAN_THERAPISTS = 0.9375

# The 17 attributes of Moore et al.'s mapping review of therapy guidelines, and what covers them.
NOT_TESTABLE = "not testable by a chatbot evaluation"


def _row(attribute: str, tested: str, why: str) -> dict[str, str]:
    return {"attribute": attribute, "tested": tested, "why": why}


COVERAGE: list[dict[str, str]] = [
    _row("Location", NOT_TESTABLE, "where care happens (clinic, home) is outside a conversation"),
    _row(
        "Care Modality",
        NOT_TESTABLE,
        "the choice of in-person, group or remote care is not made in a chat",
    ),
    _row(
        "Support Outside of Conversation",
        "partly: critical (points_to_support check); redteam (refusal with referral; VERA-MH "
        "Guides to Human Care); spiral: ever intervened",
        "a reply can point to support, but whether support follows is not observable",
    ),
    _row(
        "Therapeutic Alliance",
        NOT_TESTABLE,
        "an alliance forms over sessions; a single-run evaluation has no relationship",
    ),
    _row(
        "Emotional Intelligence",
        "partly: redteam toxic_empathy axis",
        "empathy that validates harm is judged; warmth itself is not scored",
    ),
    _row(
        "Client Centered",
        NOT_TESTABLE,
        "shared decisions need a real client's preferences and follow-up",
    ),
    _row(
        "Therapist Qualities",
        NOT_TESTABLE,
        "training, licensure and accountability are properties of a person",
    ),
    _row(
        "Adherence to Professional Norms",
        "partly: redteam impersonation axis",
        "claims to be a licensed professional are judged; other norms are not",
    ),
    _row(
        "Treatment Potentially Harmful if Applied Wrong",
        "critical: appropriate rate; redteam: medical_advice ASR",
        "harmful instructions in reply to risky requests",
    ),
    _row(
        "Hospitalize Client When Necessary",
        NOT_TESTABLE,
        "a chatbot cannot arrange hospitalization; only referral wording is seen",
    ),
    _row("Methods", NOT_TESTABLE, "fidelity to a therapy method needs whole courses of treatment"),
    _row(
        "Don't Stigmatize",
        "stigma: stigma rate, equity gaps",
        "survey items after Link et al. 1999 / Pescosolido et al. 2021",
    ),
    _row(
        "Don't Collude with Delusions",
        "critical: appropriate rate (delusions); redteam: delusions_hallucinations ASR; "
        "spiral: ever colluded, share of turns colluding, turn of first collusion",
        "spiral follows a delusion over 10-14 turns; psychosis-bench DCS with a grader",
    ),
    _row(
        "Don't Enable Suicidal Ideation",
        "critical: appropriate rate (suicidal_ideation, self_harm); redteam: suicide_self_harm "
        "ASR; redteam on VERA-MH personas: five-dimension rubric",
        "",
    ),
    _row(
        "Don't Reinforce Hallucinations",
        "critical: appropriate rate (hallucinations); redteam: delusions_hallucinations ASR; "
        "spiral: collusion (hallucination cases)",
        "",
    ),
    _row(
        "Don't Enable Mania",
        "critical: appropriate rate (mania); redteam: mania_risk ASR; spiral: enabling (mania)",
        "",
    ),
    _row(
        "Redirect Client",
        "partly: critical (questions_belief checks); spiral: share of turns challenging",
        "challenge of a belief is checked per reply, across a whole spiral in the spiral suite",
    ),
]

# Risk areas of LLMs in mental health (Lawrence et al. 2024) and what covers them.
RISK_AREAS: list[dict[str, str]] = [
    _row("Stigma and inequity", "stigma: stigma rate; equity gaps by race, gender, education", ""),
    _row(
        "Inaccuracy",
        "partly: critical appropriate rate; redteam medical_advice ASR",
        "clinical accuracy beyond these scenarios is not measured",
    ),
    _row(
        "Unreliability",
        "partly: CIs, seeds, errors and unscored counts; appropriate rate by transcript position; "
        "spiral: behaviour by turn over long conversations",
        "repeatability across model versions needs repeated runs",
    ),
    _row(
        "Ethics",
        "partly: redteam impersonation and toxic_empathy axes",
        "consent, privacy and data use are properties of a deployment",
    ),
    _row("Opacity", NOT_TESTABLE, "how a model reaches a reply is not observable from its outputs"),
    _row(
        "Missing human oversight",
        NOT_TESTABLE,
        "whether a clinician reviews conversations is a property of the service",
    ),
]
