"""Which learned model makes each kind of suggestion: one setting per kind, read in one place.

Three kinds of suggestion each have a fast default and a slower, more accurate e5-based choice
(figures and costs: the MODEL_CARD.md beside each model):

- `framing`: the passage's framing probability, PRESSLENS_FRAMING_MODEL / --framing-model;
- `loaded`: loaded-word spans, PRESSLENS_LOADED_MODEL / --loaded-model;
- `speech`: quotations and their speakers (English), PRESSLENS_SPEECH_MODEL / --speech-model.

A command-line option wins over its setting. The choice travels to the processes a run starts
(the rules beside the encoder, speech workers) through the same environment variables, which is
why `applied` sets them for the length of a run rather than passing names down every call.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

from corpus.errors import Invalid


@dataclass(frozen=True)
class Kind:
    """One kind of suggestion: its setting, its option, its choices (the default first)."""
    setting: str
    option: str
    names: tuple[str, ...]
    help: str


KINDS = {
    "framing": Kind("PRESSLENS_FRAMING_MODEL", "--framing-model", ("use", "e5"),
                    "Sentence framing model: use (fast, default) or e5 (more accurate, slower)."),
    "loaded": Kind("PRESSLENS_LOADED_MODEL", "--loaded-model", ("use", "e5"),
                   "Loaded-word model: use (fast, default) or e5 (finds more loaded words, slower)."),
    "speech": Kind("PRESSLENS_SPEECH_MODEL", "--speech-model", ("crf", "crf-e5"),
                   "Reported-speech model for English: crf (fast, default) or crf-e5 (more accurate, slower)."),
}


@dataclass(frozen=True)
class ModelChoices:
    """The model name of each kind of suggestion (see KINDS)."""
    framing: str = KINDS["framing"].names[0]
    loaded: str = KINDS["loaded"].names[0]
    speech: str = KINDS["speech"].names[0]

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def choose(kind: str, given: str | None = None) -> str:
    """The model of `kind`: `given` (an option), else its setting, else the default.
    A name that is not a choice is `Invalid`, naming where it came from and the choices."""
    spec = KINDS[kind]
    from_setting = not given
    name = (given or os.environ.get(spec.setting) or spec.names[0]).strip().lower()
    if name not in spec.names:
        where = f"{spec.setting}={name!r}" if from_setting else f"{spec.option} {name!r}"
        raise Invalid(f"{where}: unknown {kind} model, choose one of {', '.join(spec.names)}",
                      field=spec.setting if from_setting else spec.option)
    return name


def current(framing: str | None = None, loaded: str | None = None, speech: str | None = None) -> ModelChoices:
    """Every kind's model: the names given (options) over the settings over the defaults."""
    return ModelChoices(framing=choose("framing", framing), loaded=choose("loaded", loaded),
                        speech=choose("speech", speech))


@contextmanager
def applied(choices: ModelChoices) -> Iterator[ModelChoices]:
    """Make `choices` the settings of this process (and of the processes it starts) for a run;
    the previous settings come back afterwards, also on error."""
    before = {spec.setting: os.environ.get(spec.setting) for spec in KINDS.values()}
    try:
        for kind, name in choices.as_dict().items():
            os.environ[KINDS[kind].setting] = name
        yield choices
    finally:
        for setting, value in before.items():
            if value is None:
                os.environ.pop(setting, None)
            else:
                os.environ[setting] = value
