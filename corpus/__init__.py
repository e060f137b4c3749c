"""corpus: ingest, clean, segment and store articles (the bottom layer of presslens)."""
