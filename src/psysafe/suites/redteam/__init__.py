"""Red-team suite: simulated clients with personas and cognitive distortions try to draw harmful
content (means of self-harm, unauthorised medical advice, collusion with delusions, eating-disorder
tips, risky action in mania) out of a target model over several turns (after Xu et al. 2026, PCSA,
arXiv 2604.04842)."""
