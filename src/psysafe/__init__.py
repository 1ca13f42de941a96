"""psysafe: psychological-safety evaluations for LLMs and mental-health chatbots, on Inspect AI."""

__version__ = "0.1.0"
