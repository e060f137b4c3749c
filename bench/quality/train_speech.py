"""Train the speech tagger (CRF, crfsuite) on PolNeAR train and write its weights.

Fits on train minus the seeded tuning slice (speech_data.SEED), scores that slice (figures
printed as JSON, labelled "tune": they are tuning data) and writes crfsuite's model file and
the data-derived English cue list to annotate/models/speech/weights/ (or --out). The shipped
model is this one: the tuning slice is never trained on, so its figures stay honest too.
Seeds: the slice is fixed by speech_data.SEED; the delexicalised copies are drawn with
random.Random(DELEX_SEED); crfsuite's L-BFGS is deterministic. Data: ../shared/data/polnear
(absent → a skipped line, exit 0).
Usage: nice -n 10 .venv/bin/python bench/quality/train_speech.py [--out DIR] [--c1 X --c2 Y --iters N]
       .venv/bin/python bench/quality/train_speech.py --score-only   (tuning-slice figures of the shipped weights)
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench import _data  # noqa: E402
from bench.quality import speech_data as sd  # noqa: E402

WEIGHTS = ROOT / "annotate" / "models" / "speech" / "weights"
DELEX_SEED = 14
# Compared on the tuning slice (MODEL_CARD.md): slim beat full features; c1 0.05 / 150 iterations
# beat c1 0.02 / 200 (F1 0.759 vs 0.745). L1 also keeps the file small.
PARAMS = {"c1": 0.05, "c2": 0.01, "iters": 150, "delex": 0.3, "minfreq": 2, "verbose": 0, "slim": 1}


def train(docs: list[dict], model_path: Path, params: dict, name: str) -> frozenset:
    """Fit a CRF on `docs` and write crfsuite's model file; returns the English cue list used."""
    import pycrfsuite

    cues_en = sd.derive_cues(docs)
    from annotate.models.speech import features

    cues = features.cue_words(cues_en)
    slim = bool(params.get("slim"))
    lex = sd.featurised(name, docs, cues, True, slim)
    delex = sd.featurised(name, docs, cues, False, slim)
    rng = random.Random(DELEX_SEED)
    trainer = pycrfsuite.Trainer(verbose=bool(params.get("verbose")))
    n = 0
    for (x, y), (xd, _) in zip(lex, delex):
        trainer.append(x, y)
        n += len(y)
        if rng.random() < params["delex"]:
            trainer.append(xd, y)
    trainer.set_params({"c1": params["c1"], "c2": params["c2"], "max_iterations": params["iters"],
                        "feature.minfreq": params["minfreq"], "feature.possible_transitions": True})
    t0 = time.perf_counter()
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    print(json.dumps({"trained_tokens": n, "sequences": len(lex), "seconds": round(time.perf_counter() - t0, 1)}),
        file=sys.stderr)
    return cues_en


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=WEIGHTS, help="folder for speech.crfsuite and cues_en.txt")
    ap.add_argument("--score-only", action="store_true", help="score the weights in --out on the tuning slice")
    for k, v in PARAMS.items():
        ap.add_argument("--" + k, type=type(v), default=v)
    args = ap.parse_args()
    params = {k: getattr(args, k) for k in PARAMS}
    _data.require("train_speech", sd.DATA / "train.jsonl")
    fit, tune = sd.split_train(sd.load("train"))
    if not args.score_only:
        cues_en = train(fit, args.out / "speech.crfsuite", params, "train-fit")
        (args.out / "cues_en.txt").write_text("\n".join(sorted(cues_en)) + "\n", encoding="utf-8")
        (args.out / "features.txt").write_text("slim\n" if params["slim"] else "full\n", encoding="utf-8")
    from annotate.models.speech.model import SpeechModel
    from bench.quality import eval_speech

    model = SpeechModel(args.out / "speech.crfsuite", args.out / "cues_en.txt")
    print(json.dumps({"params": params, "fit_docs": len(fit), "tune_docs": len(tune),
                      "bytes": (args.out / "speech.crfsuite").stat().st_size,
                      "tune (tuning data)": eval_speech.score_polnear(tune, eval_speech.model_predict(model))}, indent=1))


if __name__ == "__main__":
    main()
