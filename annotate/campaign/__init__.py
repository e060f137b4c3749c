"""Annotation campaigns and classes: assignments, agreement, adjudication, propagation, statistics."""
