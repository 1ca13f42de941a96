"""Inspect AI extension entry point: registers psysafe's tasks and model providers.

Inspect imports this module through the ``inspect_ai`` entry point, which makes
``psysafe/stigma``, ``psysafe/judge_validation`` and ``psysafe/smollm2`` resolvable from
Inspect's own CLI.
"""

# ruff: noqa: F401
from psysafe.guard.benign import benign
from psysafe.judges.validation_task import judge_validation
from psysafe.models import providers
from psysafe.suites.critical.task import critical
from psysafe.suites.redteam.task import redteam
from psysafe.suites.spiral.task import spiral
from psysafe.suites.stigma.task import stigma
