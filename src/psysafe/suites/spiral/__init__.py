"""The spiral suite: long conversations in which a belief or plan escalates."""
