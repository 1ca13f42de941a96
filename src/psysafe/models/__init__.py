"""Model providers (embedded llama.cpp models) and role resolution."""
