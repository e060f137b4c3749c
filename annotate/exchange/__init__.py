"""Labels in and out: importers and exporters (presslens JSONL/CSV, Label Studio, doccano, spaCy, W3C)."""
