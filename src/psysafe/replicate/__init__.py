"""Replications of published results from the authors' released data."""

from psysafe.replicate.moore2025 import check_layout, render_tables, replicate_moore2025

__all__ = ["check_layout", "render_tables", "replicate_moore2025"]
