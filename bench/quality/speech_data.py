"""PolNeAR for the speech tagger: the seeded tuning slice, BIO labels per paragraph, cached features.

Split (fixed before any tuning): primary annotations of train.jsonl; the documents whose
sha1(SEED + doc_id) falls in the first TUNE_SHARE of the hash space form the tuning slice, the
rest is fitting data. dev.jsonl is only for reporting. Labels: every content piece is CONTENT
(B- at each piece start, longer pieces painted first so a nested attribution keeps its own
span), then SOURCE, then CUE on top. Features are cached as gzipped JSON under
/tmp/presslens-cache/ (keyed by split, feature mode and the hash of the feature code).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models.speech import features, tokens  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "polnear"
CACHE = Path("/tmp/presslens-cache")
SEED = "presslens-speech-14"
TUNE_SHARE = 0.12  # about 80 of the 689 primary train documents, the size of dev (84)


def load(split: str, path: Path | None = None) -> list[dict]:
    """Primary annotations of PolNeAR `split` ("train" or "dev")."""
    path = path or DATA / f"{split}.jsonl"
    return [d for d in map(json.loads, path.open(encoding="utf-8")) if d.get("primary", True)]


def is_tune(doc_id: str) -> bool:
    h = hashlib.sha1((SEED + doc_id).encode()).digest()
    return int.from_bytes(h[:4], "big") / 2**32 < TUNE_SHARE


def split_train(docs: list[dict]) -> tuple[list[dict], list[dict]]:
    """(fit, tune) documents of train; see the module docstring."""
    return [d for d in docs if not is_tune(d["doc_id"])], [d for d in docs if is_tune(d["doc_id"])]


def char_labels(doc: dict) -> list[str]:
    """A label per character: B-/I- SOURCE, CUE, CONTENT or O."""
    lab = ["O"] * len(doc["text"])
    pieces = [(p, "CONTENT") for a in doc["attributions"] for p in a["content"]]
    pieces.sort(key=lambda x: -(x[0]["end"] - x[0]["start"]))
    pieces += [(p, "SOURCE") for a in doc["attributions"] for p in a["source"]]
    pieces += [(p, "CUE") for a in doc["attributions"] for p in a["cue"]]
    for p, kind in pieces:
        for i in range(p["start"], p["end"]):
            lab[i] = ("B-" if i == p["start"] else "I-") + kind
    return lab


def doc_sequences(doc: dict) -> list[tuple[list[tokens.Token], list[str]]]:
    """(tokens, BIO tags) of each paragraph chunk of a document; token offsets are paragraph-local."""
    lab = char_labels(doc)
    text = doc["text"]
    out = []
    for p0, p1 in tokens.paragraphs(text):
        for seq in tokens.chunks(tokens.tokenize(text[p0:p1])):
            tags, prev = [], "O"
            for t in seq:
                c = lab[p0 + t.start]
                kind = c[2:] if c != "O" else "O"
                if kind == "O":
                    tags.append("O")
                elif c.startswith("B-") or prev != kind:
                    tags.append("B-" + kind)
                else:
                    tags.append("I-" + kind)
                prev = kind
            out.append((seq, tags))
    return out


def _code_hash() -> str:
    src = Path(features.__file__).read_bytes() + Path(tokens.__file__).read_bytes() + Path(__file__).read_bytes()
    return hashlib.sha1(src).hexdigest()[:10]


def featurised(name: str, docs: list[dict], cues: frozenset, lexical: bool, slim: bool = False) -> list[tuple[list, list[str]]]:
    """(features, tags) per sequence, cached under /tmp/presslens-cache/."""
    key = hashlib.sha1(("|".join(sorted(cues)) + name + str(lexical) + str(slim) + _code_hash()).encode()).hexdigest()[:12]
    path = CACHE / f"speech-{name}-{'lex' if lexical else 'delex'}-{key}.json.gz"
    if path.exists():
        return json.loads(gzip.decompress(path.read_bytes()))
    out = [(features.sequence_features(seq, cues, lexical, slim=slim), tags) for d in docs for seq, tags in doc_sequences(d)]
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(gzip.compress(json.dumps(out).encode()))
    tmp.replace(path)
    return out


def derive_cues(docs: list[dict], min_count: int = 5, min_share: float = 0.3) -> frozenset:
    """Lower-case words annotated as (part of) a cue at least `min_count` times and in at least
    `min_share` of their occurrences in `docs`: the data-derived English cue list."""
    as_cue: dict[str, int] = {}
    seen: dict[str, int] = {}
    for d in docs:
        for a in d["attributions"]:
            for c in a["cue"]:
                for w in re.findall(r"[a-z]+", c["text"].lower()):
                    as_cue[w] = as_cue.get(w, 0) + 1
        for w in re.findall(r"[a-z]+", d["text"].lower()):
            seen[w] = seen.get(w, 0) + 1
    stop = set(features.DET["en"] | features.AUX["en"] | features.PRON["en"] | features.COMP | {"to", "of", "in", "on", "for", "by", "and"})
    return frozenset(w for w, n in as_cue.items()
                     if n >= min_count and n / max(1, seen.get(w, 1)) >= min_share and w not in stop)
