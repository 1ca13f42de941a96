"""Self-contained HTML reports and sample-level exports from psysafe logs."""
