"""annotate: labels, suggestions, agreement, statistics and exports."""
