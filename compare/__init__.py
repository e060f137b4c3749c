"""compare: embeddings, cross-outlet alignment, word diff, stories and provenance."""
