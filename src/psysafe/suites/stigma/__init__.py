"""Stigma suite: vignettes x survey items, after Moore et al. 2025 (Experiment 1)."""
