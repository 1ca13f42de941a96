"""What the guard says instead of, or after, the upstream reply: written here, per risk.

Replacements stay in the therapist's voice: warm, direct about safety, never stigmatising,
and they never name a means, a place, an amount or a method. Notes are one short paragraph
added after a reply that was fine to send.
"""

from __future__ import annotations

from collections.abc import Sequence

from psysafe.guard.policy import RISKS, Policy

REPLACEMENTS: dict[str, str] = {
    "suicidal_plan_or_means": (
        "I'm really glad you told me, and I want to stay with you in this. What you're asking "
        "makes me worried about your safety, so I'm not going to help with that part, because "
        "you matter to me more than the question does. Can I ask you directly: are you thinking "
        "about ending your life, and are you safe right now? You don't have to carry this on "
        "your own. {resources} If you can, move away from anything you could use to hurt "
        "yourself and let someone you trust know how you're feeling today. I'm here, and we can "
        "keep talking."
    ),
    "suicidal_ideation": (
        "Thank you for trusting me with something this heavy. It sounds like you're in a lot "
        "of pain right now, and I'm glad you said it out loud. I'd like to understand more: "
        "are you having thoughts of ending your life, and are you safe at the moment? You "
        "deserve support from people who can be there in person too. {resources} Would you be "
        "willing to reach out to one of them, or to someone you trust, today?"
    ),
    "self_harm": (
        "I'm glad you told me, and I'm not judging you. Hurting yourself often makes sense as a "
        "way to get through feelings that are overwhelming, and it also tells me how much you're "
        "carrying. I won't help with that part, but I'd really like to help you stay safe. Are "
        "you safe right now, and do any of the injuries need care from a doctor or nurse? "
        "{resources} Could we think together about what has been going on, and who could support "
        "you with this, such as your doctor or a counsellor?"
    ),
    "psychosis": (
        "That sounds really frightening and exhausting, and I can hear how real and urgent it "
        "feels to you. I'm not able to help with the plan you described, but I do want to help "
        "you feel safer. Sometimes when we're very stressed or haven't slept, our minds can "
        "make things feel threatening or certain in a way that's hard to step back from. I "
        "wonder if there might be another way of seeing what's happening. Would you be willing "
        "to talk with your doctor, a psychiatrist or your care team about this soon? If you "
        "feel unsafe, {resources_inline}"
    ),
    "mania": (
        "I can hear how much energy and excitement you have right now, and I don't want to take "
        "that away from you. I am a bit concerned, though, about how little you've been sleeping "
        "and how big and fast these decisions are. Could we slow down together before anything "
        "that's hard to undo? It would really help to check in with your doctor or psychiatrist "
        "in the next day or two, and to talk it through with someone you trust. How have you been "
        "sleeping, and how does your body feel?"
    ),
    "eating_disorder": (
        "Thank you for being honest with me about this. It sounds like food and your body have "
        "become a real struggle, and I care about how you're doing. I'm not going to help with "
        "eating less or hiding it, because I'm worried it could harm you. What you're describing "
        "deserves proper support, and a doctor or an eating-disorder service can help. Would you "
        "be open to talking with your doctor about it? {resources_inline} How are you feeling in "
        "yourself at the moment?"
    ),
    "medication": (
        "That's an important question, and I'm glad you're asking before doing anything. "
        "Changes to medication, mixing it with other substances or taking more than prescribed "
        "can be risky, and the safe answer depends on your health and prescription, so it's one "
        "for your doctor or pharmacist rather than me. Could you contact them today? If you feel "
        "unwell or unsafe, {resources_inline} I'm also happy to talk about what's behind the "
        "question."
    ),
    "unsafe_reply": (
        "I want to be careful with what I say next, because I care about your wellbeing. I'm not "
        "able to help with that, but I'd really like to understand what's going on for you. How "
        "are you feeling right now, and are you safe? {resources} Talking with your doctor or "
        "someone you trust could help too."
    ),
    "error": (
        "I'm sorry, I can't give you a proper reply right now. If you're going through a hard "
        "time, please don't wait for me: {resources_inline} You could also reach out to someone "
        "you trust or your doctor."
    ),
}

NOTES: dict[str, str] = {
    "suicidal_plan_or_means": (
        "If you're thinking about ending your life, please reach out now: {resources_inline}"
    ),
    "suicidal_ideation": (
        "If you're having thoughts of ending your life, you don't have to face them alone. "
        "Are you safe right now? {resources}"
    ),
    "self_harm": (
        "If you're hurting yourself or feel you might, support is available: {resources_inline} "
        "A doctor or counsellor can help too."
    ),
    "psychosis": (
        "If things feel frightening or confusing, it could help to talk with your doctor or "
        "care team soon. If you feel unsafe, {resources_inline}"
    ),
    "mania": (
        "If you've been sleeping much less than usual, it may help to check in with your doctor "
        "before making big decisions."
    ),
    "eating_disorder": (
        "If food or your body feel like a struggle, a doctor or an eating-disorder service can "
        "help. {resources_inline}"
    ),
    "medication": (
        "For changes to your medication, please check with your doctor or pharmacist first."
    ),
    "unscored": (
        "If you're going through a hard time, talking with someone you trust or a professional "
        "can help. {resources_inline}"
    ),
}


def _resources(policy: Policy) -> tuple[str, str]:
    lines = policy.resources_for()
    if not lines:
        return ("Please reach out to a doctor or a crisis service near you.",) * 2
    block = "You can " + "; ".join(lines) + "."
    return block, block[0].lower() + block[1:] if block.startswith("You") else block


def fill(template: str, policy: Policy) -> str:
    block, inline = _resources(policy)
    return template.replace("{resources}", block).replace("{resources_inline}", inline)


def _first_risk(risks: Sequence[str]) -> str | None:
    for r in RISKS:
        if r in risks:
            return r
    return None


def replacement(risks: Sequence[str], policy: Policy, reason: str | None = None) -> str:
    """The replacement reply for the most urgent risk (or an unsafe reply with no input risk)."""
    key = _first_risk(risks) or (reason or "unsafe_reply")
    return fill(REPLACEMENTS.get(key, REPLACEMENTS["unsafe_reply"]), policy)


def note(risks: Sequence[str], policy: Policy) -> str:
    key = _first_risk(risks) or "unscored"
    return fill(NOTES[key], policy)


def with_note(reply: str, risks: Sequence[str], policy: Policy) -> str:
    return f"{reply.rstrip()}\n\n{note(risks, policy)}"
