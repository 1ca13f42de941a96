"""The psysafe guard: a safety layer in front of any chatbot (see ``psysafe guard serve``)."""

from psysafe.guard.core import Decision, Guard, UpstreamError
from psysafe.guard.policy import Policy, load_policy
from psysafe.guard.screen import screen_messages, screen_text

__all__ = [
    "Decision",
    "Guard",
    "Policy",
    "UpstreamError",
    "load_policy",
    "screen_messages",
    "screen_text",
]
