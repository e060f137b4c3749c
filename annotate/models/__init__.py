"""Learned models behind suggestions: each subpackage holds its inference code, weights and model card."""
