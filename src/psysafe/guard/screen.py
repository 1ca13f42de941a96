"""The input screen: crisis signals in the client's own messages, told apart from disclosure.

Signals are first-person and current ("I want to die", "I've started cutting again"). The
same words in the past with no sign of a return ("I attempted suicide two years ago and I'm
doing better"), about someone else ("my brother's overdose still haunts me") or about a
topic ("we read a novel about suicide") are disclosure, and disclosure is not screened as a
crisis: blocking or lecturing there interrupts care. A request for means (heights, doses,
where to buy a poison) counts as a plan when the conversation carries distress, and always
when it asks what would be lethal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from psysafe.guard.policy import RISKS

_I = re.IGNORECASE


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), _I)


_ME = r"(?:i|i'm|im|i am|i've|ive|i have|i'd|i keep|i still|i just|i really|i honestly)"

IDEATION = _rx(
    r"\b(?:kill|killing|hurt and kill) myself\b",
    r"\bend(?:ing)? (?:my (?:own )?life|it all|things for good)\b",
    r"\btake my (?:own )?life\b",
    r"\b(?:want|wanna|wanted|need|going|planning|plan|ready|gonna) to die\b",
    r"\bi (?:just )?(?:wish|wished) (?:i (?:was|were) dead|i could (?:die|disappear forever)"
    r"|i (?:would|wouldn't|won't|didn't) (?:not )?wake up|i'?d never been born)\b",
    r"\b(?:don'?t|do not|didn'?t) want to (?:live|be alive|exist|wake up|be here anymore"
    r"|be here any more)\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\bno (?:reason|point) (?:to|in) (?:live|living|going on|being alive)\b",
    r"\b(?:i'?m|i am|i feel|feeling|been|was|i was) (?:so |really |very )?suicidal\b",
    r"\bthink(?:ing)? (?:about|of) (?:suicide|killing myself|ending (?:it|my life)"
    r"|taking my (?:own )?life|not being here)\b",
    r"\bsuicidal (?:thoughts|feelings|urges)\b",
    r"\b(?:tried|try|trying|attempted|attempt) (?:to )?(?:suicide|kill myself|end my life)\b",
    r"\bunalive myself\b",
    r"\b(?:can'?t|cannot) (?:go on|keep going|do this anymore|do this any more)\b",
    r"\bmost painless way to (?:go|die)\b",
    r"\bi (?:want|need) (?:it|everything) to (?:stop|end)(?: for good| forever)\b",
    r"\bmade up my mind\b",
    r"\bwrote (?:a |my )?(?:letters?|notes?|goodbyes?) to (?:my|the) (?:kids|children|family"
    r"|wife|husband|parents|mum|mom|dad)\b",
    r"\bsay(?:ing)? goodbye (?:to everyone|for good|forever)\b",
)

PLAN = _rx(
    r"\b(?:have|got|saved|saving|stockpil\w*|collected|collecting|bought) (?:up )?(?:a |the "
    r"|my |enough )?(?:pills|tablets|rope|gun|plan|razor|blades?)\b",
    r"\b(?:tonight|this weekend|tomorrow)\b",
    r"\bwrote (?:a |my )?(?:note|letters?|goodbyes?)\b",
    r"\bmade up my mind\b",
    r"\b(?:how|when|where) i(?:'m| am| will|'ll) (?:do|doing) it\b",
)

# What would be lethal, asked outright: a plan whatever else the conversation says.
LETHAL_MEANS = _rx(
    r"\b(?:lethal|fatal|deadly|overdose) (?:dose|amount|quantity)\b",
    r"\bhow many (?:of (?:my|these|the) )?(?:\w+ )?(?:pills|tablets|capsules) (?:would|does|will"
    r"|to|it takes?)\b",
    r"\bto not wake up\b|\bnever wake up\b|\bwouldn'?t (?:wake|come back) up\b",
    r"\bmost painless way\b|\bpainless way to (?:go|die)\b|\bquickest way to die\b",
    r"\bhow long (?:would|will|does) it take (?:before|until|to) (?:it was|it's|i'?m|i was) "
    r"(?:all )?(?:over|dead|gone)\b",
    r"\b(?:which|what) (?:pesticide|poison|chemical|weedkiller)s? (?:is|are|would|will) "
    r"(?:the )?(?:most )?(?:deadly|lethal|toxic|fatal|strong)",
)

# Means or places that can be asked for innocently: a plan only where distress is present.
MEANS_REQUEST = _rx(
    r"\b(?:bridges?|buildings?|garages?|towers?|cliffs?|roofs?|rooftops?|overpass(?:es)?)\b"
    r"[^.?!]{0,60}\b(?:taller|higher|high up|tallest|highest|height|how high|deep|open top"
    r"|top floors?|meters|metres|feet)\b",
    r"\b(?:tallest|highest) (?:bridges?|buildings?|garages?|towers?|cliffs?)\b",
    r"\b(?:what|which) floor[^.?!]{0,40}\bwindows?\b[^.?!]{0,20}\bopen\b",
    r"\bhow deep[^.?!]{0,40}\bwater\b",
    r"\bwhere (?:can|do|could) (?:i|you|someone|people) (?:buy|get|find) (?:\w+ )?(?:pesticides?"
    r"|poisons?|rat poison|paraquat|weedkiller|a gun|guns|rope|cyanide|helium)\b",
    r"\b(?:pesticides?|poisons?|weedkiller)\b[^.?!]{0,40}\b(?:shops?|stores?|buy|sell|sold)\b",
    r"\bstopped taking my (?:heart|blood pressure|insulin|diabetes) medication\b",
)

DISTRESS = _rx(
    r"\b(?:hopeless|pointless|worthless|empty inside|can'?t take (?:it|this)|no way out|trapped"
    r"|a burden|burden on|give up|given up|nothing matters|what'?s the point|tired of (?:living"
    r"|everything|it all|being)|exhausted with life)\b",
    r"\b(?:lost|losing) my (?:job|house|home|wife|husband|partner|kids)\b|\blaid off\b"
    r"|\bfired\b|\bcut my hours\b|\bsavings are gone\b|\bcan'?t (?:make|pay) (?:rent|the rent)\b",
    r"\b(?:moved out|left me|divorc\w+|broke up with me|dumped me)\b",
    r"\beverything (?:has )?fe(?:lt|els) (?:pointless|hopeless|heavy|dark)\b",
)

SELF_HARM = _rx(
    r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|hit|hitting|scratch|scratching"
    r"|punish|punishing) (?:myself|my (?:arms?|legs?|wrists?|thighs?|skin))\b",
    r"\b(?:started|start|been|keep|kept) (?:cutting|burning|scratching)\b",
    r"\bself[- ]?harm(?:ing|ed)?\b",
    r"\bhide (?:the )?(?:marks|cuts|scars|burns)\b",
    r"\bwhere on the body\b[^.?!]{0,40}\b(?:cut|hurts? least)\b",
    r"\bhow deep can i (?:go|cut)\b",
    r"\b(?:urge|urges) to (?:cut|hurt myself|burn)\b",
)

PSYCHOSIS = _rx(
    r"\b(?:voices?|angels?|demons?|spirits?) (?:in my head )?(?:tells?|told|telling|says?|said"
    r"|saying|whispers?|commands?|want)\b",
    r"\b(?:hear|hearing|heard) (?:voices|my (?:\S+ )?voice|someone whisper)",
    r"\bwhispers? (?:instructions|to me|at me)\b",
    r"\b(?:cameras?|microphones?|chips?|trackers?|tracking devices?|implants?)\b[^.?!]{0,50}"
    r"\b(?:in my|point at my|watching|planted|put in|implanted)\b",
    r"\b(?:put|planted|implanted) (?:a |an )?(?:chip|tracker|camera|device)\b",
    r"\b(?:watching|following|tracking|monitoring|poisoning|spying on|after) me\b",
    r"\b(?:are|is|been) (?:poisoning|drugging|spying on|following) (?:me|my)\b",
    r"\b(?:replaced by an? (?:impostor|imposter|double|robot|clone))\b",
    r"\bmy thoughts are being (?:broadcast|read|stolen|controlled)\b",
    r"\b(?:reading|controlling|stealing|broadcasting) my (?:thoughts|mind)\b",
    r"\b(?:messages?|signals?) (?:meant )?(?:for|to) me\b[^.?!]{0,40}\b(?:tv|news|radio|blink"
    r"|presenters?|songs?|numbers?)|\b(?:tv|news|presenters?|radio)\b[^.?!]{0,40}"
    r"\b(?:messages?|signals?) (?:for|to) me\b|\bsend me (?:private |secret )?messages\b",
    r"\bshadow (?:people|figures)\b|\bi know i'?m (?:actually )?dead\b",
    r"\bblock (?:their|the) signals?\b|\bfoil over\b",
    r"\b(?:i am|i'm) (?:the )?(?:chosen one|messiah|prophet|god)\b",
)

MANIA = _rx(
    r"\b(?:haven'?t|have not|hadn'?t) slept (?:in|for) (?:\w+ )?(?:days|nights)\b",
    r"\b(?:up|awake) (?:for )?(?:two|three|four|five|\d+) (?:nights|days)\b",
    r"\bdon'?t (?:need|want) (?:to )?sleep(?: anymore)?\b",
    r"\b(?:feel|feeling|i'?m) (?:unstoppable|invincible|limitless|untouchable)\b",
    r"\b(?:a )?million ideas\b|\bracing thoughts\b|\bthoughts are racing\b",
    r"\bmaxed out (?:\w+ )?(?:credit )?cards?\b|\bspent (?:all )?my savings\b",
    r"\bi'?m meant to lead\b|\beverything is connecting\b",
    r"\bquitting my job tomorrow\b|\bput(?:ting)? my house up\b",
)

EATING = _rx(
    r"\b(?:\d[\d,]*|few hundred) calories a day\b",
    r"\b(?:throw(?:ing)? up|purg(?:e|ing)|vomit(?:ing)?) after (?:eating|meals|dinner|lunch"
    r"|breakfast|i eat)\b",
    r"\b(?:skip|skipping|stopped|stop) (?:eating|meals|breakfast and lunch)\b",
    r"\bappetite suppressants?\b|\blaxatives? to (?:lose|stay)\b",
    r"\b(?:get|go) (?:under|below) \d+ ?(?:kilos|kg|pounds|lbs)\b",
    r"\bhow low can i go\b|\bearned the (?:one )?meal\b",
    r"\b(?:still )?feel (?:huge|fat|disgusting) (?:even|after|when)\b|\bi still feel huge\b",
    r"\bwithout anyone noticing\b[^.?!]{0,20}\b(?:eat|food|weight)|\b(?:eat|food|weight)\b"
    r"[^.?!]{0,40}\bwithout anyone noticing\b",
)

_MEDS = (
    r"(?:meds|medications?|medicines?|pills|antidepressants?|antipsychotics?|lithium|sertraline"
    r"|zoloft|prozac|fluoxetine|lexapro|escitalopram|citalopram|venlafaxine|effexor|xanax"
    r"|alprazolam|valium|diazepam|klonopin|clonazepam|ativan|lorazepam|seroquel|quetiapine"
    r"|olanzapine|risperidone|abilify|aripiprazole|adderall|ritalin|adhd meds|oxycodone|opioids?"
    r"|sleeping pills|benzos?|ssris?|mood stabili[sz]ers?|insulin|dose|dosage)"
)
MEDICATION = _rx(
    rf"\b(?:stop|stopped|stopping|quit|quitting|come off|coming off|skip|skipping|double|doubling"
    rf"|increase|lower|halve|cut down|mix|mixing|combine)\b[^.?!]{{0,30}}\b{_MEDS}\b",
    rf"\b{_MEDS}\b[^.?!]{{0,40}}\b(?:with (?:a few |some )?(?:drinks|alcohol|beer|wine)"
    rf"|energy drinks|what'?s the max|how much can i|how many can i)",
    rf"\b(?:how (?:much|many)|what'?s the max|maximum)\b[^.?!]{{0,40}}\b{_MEDS}\b",
    r"\b(?:without a prescription|off a guy|leftover (?:\w+ )?meds)\b",
)

PATTERNS: dict[str, re.Pattern[str]] = {
    "suicidal_ideation": IDEATION,
    "self_harm": SELF_HARM,
    "psychosis": PSYCHOSIS,
    "mania": MANIA,
    "eating_disorder": EATING,
    "medication": MEDICATION,
}

# --- disclosure ----------------------------------------------------------------------------

_PAST = _rx(
    r"\b(?:\w+|\d+) (?:years?|months?|weeks?) ago\b",
    r"\blast (?:year|spring|summer|autumn|fall|winter)\b",
    r"\bwhen i was (?:younger|a (?:teen|teenager|kid|child|student)|in (?:high )?school|\d+)\b",
    r"\bin (?:high school|college|university|my (?:teens|twenties|twenties|early twenties))\b",
    r"\bused to\b|\bback then\b|\ba long time ago\b|\bin the past\b|\bonce,? (?:years|long)\b",
    r"\bas a (?:teen|teenager|kid|child)\b",
    # Recovery ("I haven't self-harmed in a year"), not a current lack ("haven't slept in days").
    r"\b(?:haven'?t|have not|hasn'?t) (?:done (?:it|that)|self-harmed|cut|cut myself|purged"
    r"|binged|relapsed|used|had a drink|been (?:suicidal|in hospital)|attempted|hurt myself)\b",
    r"\b(?:\w+ )?(?:years?|months?) (?:clean|free|sober)\b",
)
_RECOVERY = _rx(
    r"\b(?:doing (?:a lot |much |so much )?better|in recovery|recovered|got help|getting help"
    r"|my therapist helped|i'?m (?:in a )?(?:better|good|safe) (?:place|now)|i'?m safe"
    r"|proud of how far|things are (?:better|good) now|glad i'?m still here|survived)\b",
)
_CURRENT = _rx(
    r"\b(?:again|lately|these days|right now|tonight|this week|anymore|any more|recently"
    r"|coming back|came back|started (?:again|up again)|relaps\w*|still want|still think about"
    r" (?:doing|killing|ending)|still feel like (?:dying|ending))\b",
)
_ABOUT = _rx(
    r"\b(?:my|our|his|her|their|a|the) (?:brother|sister|mother|mom|mum|father|dad|friend|son"
    r"|daughter|cousin|uncle|aunt|partner|husband|wife|boyfriend|girlfriend|grandma|grandmother"
    r"|grandfather|grandpa|colleague|coworker|co-worker|classmate|neighbou?r|roommate|flatmate"
    r"|teacher|student|client|patient|niece|nephew|best friend|ex|stepdad|stepmom|character"
    r"|author)(?:'s)?\b",
    r"\b(?:he|she|they) (?:tried|attempted|died|killed|took|overdosed|self-harmed|was|were)\b",
    r"\b(?:novel|book|film|movie|documentary|article|podcast|show|series|lecture|class|course"
    r"|training|essay|research|paper|news story|song)\b",
)
# For psychosis the content is often about others ("my husband has been replaced"): only
# someone else *having* the experience makes it a disclosure.
_ABOUT_EXPERIENCER = _rx(
    r"\b(?:he|she|they|brother|sister|mother|mom|mum|father|dad|friend|son|daughter|cousin|uncle"
    r"|aunt|partner|husband|wife|grandma|grandmother|grandfather|grandpa|character|patient"
    r"|client) (?:\w+ )?(?:heard|hears|had|has|thought|thinks|believed|believes|saw|sees)"
    r"\b(?! me\b| been\b| being\b)",
    r"\b(?:novel|book|film|movie|documentary|article|podcast|lecture|class|course|essay)\b",
)
_FIRST_PERSON_NOW = _rx(
    r"\b(?:i|i'm|im|i am|i've|i have|i keep|i still|i just|i really) (?:want|wanna|need|feel"
    r"|am going|'m going|plan|planning|have been thinking|ve been thinking|keep thinking"
    r"|can'?t stop thinking|wish)\b",
)
_HYPERBOLE = _rx(
    r"\b(?:die|died|dying) (?:of|from) (?:embarrassment|shame|boredom|laughter|laughing"
    r"|cringe|happiness|jealousy)\b",
    r"\b(?:kill|killing) (?:me|my feet|my back)\b|\bwould kill for\b|\bdead tired\b",
)

_SENT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?:but|and then|though|although|however)\s+", _I)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text) if s.strip()]


@dataclass(frozen=True)
class Screen:
    """The input screen's findings for one turn."""

    risks: tuple[str, ...]
    disclosures: tuple[str, ...] = ()
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"risks": list(self.risks), "disclosures": list(self.disclosures)}


def _norm(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').lower()


def _is_disclosure(sentence: str, whole: str, risk: str = "") -> bool:
    """A hit in ``sentence`` is disclosure: past and not back, or about someone/something else."""
    if _CURRENT.search(sentence):
        return False
    about_rx = _ABOUT_EXPERIENCER if risk == "psychosis" else _ABOUT
    about = bool(about_rx.search(sentence)) and not _FIRST_PERSON_NOW.search(sentence)
    if risk == "psychosis":
        # A past event beside a current experience ("she died last year") is no disclosure.
        return about or bool(re.search(r"\bused to\b|\bwhen i was\b|\byears ago\b", sentence))
    past = bool(_PAST.search(sentence)) or bool(
        re.search(
            r"\b(?:attempted|tried to|was suicidal|used to|self-harmed|overdosed)\b", sentence
        )
    )
    if past and (_CURRENT.search(whole) and _FIRST_PERSON_NOW.search(whole)):
        return False
    return about or past


def _hits(pattern: re.Pattern[str], text: str, risk: str = "") -> tuple[list[str], list[str]]:
    """(current hits, disclosure hits) of ``pattern`` sentence by sentence."""
    current: list[str] = []
    disclosed: list[str] = []
    for s in _sentences(text):
        s_clean = _HYPERBOLE.sub(" ", s)
        for m in pattern.finditer(s_clean):
            (disclosed if _is_disclosure(s_clean, text, risk) else current).append(m.group(0))
    return current, disclosed


def _client_texts(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for m in messages:
        if m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, list):
                c = " ".join(str(p.get("text", "")) for p in c if isinstance(p, Mapping))
            out.append(_norm(str(c or "")))
    return out


def screen_text(latest: str, earlier: Iterable[str] = ()) -> Screen:
    """Screen the latest client message, with earlier client messages as context."""
    text = _norm(latest)
    history = [_norm(t) for t in earlier]
    found: dict[str, tuple[str, ...]] = {}
    disclosures: list[str] = []
    for risk, pattern in PATTERNS.items():
        cur, dis = _hits(pattern, text, risk)
        if cur:
            found[risk] = tuple(cur)
        elif dis:
            disclosures.append(risk)
    lethal = _hits(LETHAL_MEANS, text)[0]
    means = _hits(MEANS_REQUEST, text)[0]
    distress = any(DISTRESS.search(t) for t in [*history[-4:], text]) or "suicidal_ideation" in {
        r for r in found
    }
    plan_cues = list(lethal)
    if means and distress:
        plan_cues += means
    if "suicidal_ideation" in found:
        plan_cues += _hits(PLAN, text)[0]
        # A plan said earlier in the conversation still stands.
        plan_cues += [
            m.group(0) for t in history[-4:] for m in PLAN.finditer(t) if IDEATION.search(t)
        ]
    if plan_cues:
        found["suicidal_plan_or_means"] = tuple(plan_cues)
        found.setdefault("suicidal_ideation", ())
    risks = tuple(r for r in RISKS if r in found)
    return Screen(risks=risks, disclosures=tuple(d for d in disclosures if d not in found),
                  cues=found)  # fmt: skip


def screen_messages(messages: Sequence[Mapping[str, Any]]) -> Screen:
    """Screen a chat request's ``messages`` (OpenAI shape): its last client turn in context."""
    texts = _client_texts(messages)
    if not texts:
        return Screen(risks=())
    return screen_text(texts[-1], texts[:-1])
