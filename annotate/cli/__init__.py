"""Command line of the annotate layer (the only annotate modules that import click)."""
