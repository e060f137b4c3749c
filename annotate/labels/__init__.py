"""Labels and where they are saved: schemes, human labels, gold, suggestions, decisions, projects."""
