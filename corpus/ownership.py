"""Which layer owns each table of the schema (corpus/schema.py creates them all, in one migration list).

Only the owning layer's modules query a table; the others call that layer's functions.
"""
from __future__ import annotations

# Which layer owns each table: only that layer's modules query it; the others go through its
# functions (tests/test_architecture.py checks every SQL string against this map). Every table
# the migrations create is listed, FTS shadow tables with their base table.
LAYERS = ("corpus", "compare", "annotate", "web")  # lowest first: a layer imports only those before it
TABLE_OWNERS: dict[str, str] = {
    "migrations": "corpus",
    "outlets": "corpus", "articles": "corpus", "passages": "corpus",
    "passages_fts": "corpus", "passages_fts_data": "corpus", "passages_fts_idx": "corpus",
    "passages_fts_docsize": "corpus", "passages_fts_config": "corpus", "fts_deferrals": "corpus",
    "embeddings": "compare", "stories": "compare", "story_articles": "compare",
    "alignment_runs": "compare", "alignments": "compare",
    "projects": "annotate", "project_labels": "annotate", "project_members": "annotate",
    "project_stories": "annotate", "annotations": "annotate", "annotation_history": "annotate",
    "assignments": "annotate", "gold_labels": "annotate", "classifiers": "annotate",
    "suggestion_decisions": "annotate", "exercises": "annotate", "exercise_submissions": "annotate",
    "users": "web", "login_attempts": "web", "web_sessions": "web", "jobs": "web", "share_links": "web",
}
