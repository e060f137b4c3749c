"""The root `presslens` command group: flattens every layer's commands into one CLI."""
from __future__ import annotations

import click

from corpus import cli as corpus_cli


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="presslens")
def main() -> None:
    """presslens: line up how outlets cover the same story, and annotate it."""


def _register(commands: list[click.Command]) -> None:
    for command in commands:
        main.add_command(command)


_register(corpus_cli.commands)
