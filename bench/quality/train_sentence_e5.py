"""Train the e5 sentence-framing model: LoRA on the first layers of multilingual-e5-small + a head.

    nice -n 10 python bench/quality/train_sentence_e5.py train --tag r8l8_lr1e3_e2 --lr 1e-3 --epochs 2
    python bench/quality/train_sentence_e5.py save --tag r8l8_lr1e3_e2 --epoch 1 --threshold 0.5

(the shipped weights; `--epoch` counts from 0; ~9 min an epoch on one shared core). `--babe
editorial` adds BABE SG2's train part with its opinion labels (fact vs writer's opinion, 1,976
sentences; BABE's salted-hash test fifth is never read here): tried in the fourth session, not
adopted. The grid tried and the figures: MODEL_CARD.md, "Sentence model on e5".

Training data: CheckThat! 2025 train_{en,de,it} (3,243 sentences), + BABE if asked. Tuning:
dev_{en,de,it} (mean macro-F1, threshold and epoch chosen there). dev_test is never read here
(eval_framing.py scores it). One thread (the machine is shared), fixed seeds; each epoch's LoRA
matrices, head and dev probabilities are kept under <--cache>/<tag>/ (default
/tmp/presslens-cache/e5sent) so `save` needs no retraining.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.quality import _framing_data as d

CACHE = Path("/tmp/presslens-cache/e5sent")
LANGS = ("en", "de", "it")
TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense")


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score
    return float(f1_score(y, pred, average="macro"))


def build(args):
    """Truncated e5 (first `layers` blocks) with LoRA adapters on TARGETS and a linear head."""
    import torch
    from torch import nn
    from transformers import AutoModel, AutoTokenizer

    from compare.embed import ensure_e5

    folder = str(ensure_e5())
    tok = AutoTokenizer.from_pretrained(folder)
    bert = AutoModel.from_pretrained(folder, add_pooling_layer=False)
    bert.encoder.layer = bert.encoder.layer[:args.layers]
    for p in bert.parameters():
        p.requires_grad = False

    class LoRA(nn.Module):
        def __init__(self, base: nn.Linear, rank: int, alpha: float):
            super().__init__()
            self.base, self.scale = base, alpha / rank
            self.A = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.B = nn.Parameter(torch.zeros(base.out_features, rank))
            self.drop = nn.Dropout(args.lora_dropout)

        def forward(self, x):
            return self.base(x) + (self.drop(x) @ self.A.T @ self.B.T) * self.scale

    adapters = {}
    for i, block in enumerate(bert.encoder.layer):
        for name in TARGETS:
            parent_name, attr = name.rsplit(".", 1)
            parent = block.get_submodule(parent_name)
            lora = LoRA(getattr(parent, attr), args.rank, args.alpha)
            setattr(parent, attr, lora)
            adapters[f"layer{i}.{name}"] = lora
    head = nn.Sequential(nn.Dropout(0.1), nn.Linear(bert.config.hidden_size, 1))
    return tok, bert, adapters, head


def pooled(tok, bert, texts: list[str], max_length: int):
    """Mean of the last kept layer's token states (padding masked out)."""
    batch = tok(["query: " + t for t in texts], padding=True, truncation=True, max_length=max_length,
                return_tensors="pt")
    h = bert(**batch).last_hidden_state
    m = batch["attention_mask"].unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1.0)


def batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar length (less padding), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    out = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def predict(tok, bert, head, texts: list[str], max_length: int, size: int = 64) -> np.ndarray:
    import torch
    bert.eval(), head.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros(len(texts), dtype=np.float32)
    with torch.no_grad():
        for i in range(0, len(order), size):
            ix = order[i:i + size]
            out[ix] = torch.sigmoid(head(pooled(tok, bert, [texts[j] for j in ix], max_length))[:, 0]).numpy()
    return out


def training_rows(babe: str) -> tuple[list[str], list[bool]]:
    """CheckThat train_{en,de,it} (SUBJ = framing), then BABE's train part if asked: 'editorial' =
    fact vs writer's opinion, 'mixed' = fact vs (writer's opinion or mixed). BABE's salted-hash test
    fifth (_framing_data.babe_part) is never read here; "No agreement" rows are dropped."""
    rows = [(r["text"], r["label"] == "SUBJ") for lang in LANGS for r in d.checkthat("train", lang)]
    if babe != "none":
        opinion = ("editorial", "mixed") if babe == "mixed" else ("editorial",)
        rows += [(r["text"], r["derived_fact_vs_editorial"] in opinion) for r in d.babe("train")
                 if r["derived_fact_vs_editorial"] in ("fact", *opinion)]
    return [t for t, _ in rows], [f for _, f in rows]


def training_note(babe: str) -> str:
    """The training data in words, as stored with the weights."""
    texts, _ = training_rows(babe)
    extra = {"none": "", "editorial": " + BABE SG2 train part, fact vs writer's opinion",
             "mixed": " + BABE SG2 train part, fact vs writer's opinion or mixed"}[babe]
    return f"CheckThat! 2025 train_en + train_de + train_it{extra} ({len(texts):,} sentences)"


def train(args) -> None:
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok, bert, adapters, head = build(args)
    texts, flags = training_rows(args.babe)
    y = torch.tensor(flags, dtype=torch.float32)
    dev = {lang: d.checkthat("dev", lang) for lang in LANGS}
    lora_params = [p for a in adapters.values() for p in (a.A, a.B)]
    opt = torch.optim.AdamW([{"params": lora_params, "lr": args.lr},
                             {"params": head.parameters(), "lr": args.head_lr}], weight_decay=0.01)
    lengths = [len(tok.tokenize(t)) for t in texts]
    steps = args.epochs * math.ceil(len(texts) / args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
    out = Path(args.cache) / args.tag
    out.mkdir(parents=True, exist_ok=True)
    (out / "args.json").write_text(json.dumps(vars(args)))
    for epoch in range(args.epochs):
        t0, total = time.time(), 0.0
        bert.train(), head.train()
        for k, ix in enumerate(batches(lengths, args.batch, rng)):
            logits = head(pooled(tok, bert, [texts[i] for i in ix], args.max_length))[:, 0]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[ix])
            opt.zero_grad()
            loss.backward()
            opt.step(), sched.step()
            total += float(loss.detach())
            if k % 50 == 0:
                print(f"epoch {epoch} step {k} loss {total / (k + 1):.4f} {time.time() - t0:.0f}s", flush=True)
        report = {"epoch": epoch, "train_s": round(time.time() - t0, 1), "loss": total / (k + 1)}
        probs = {lang: predict(tok, bert, head, [r["text"] for r in dev[lang]], args.max_length) for lang in LANGS}
        arrays = {f"{n}.A": a.A.detach().numpy() for n, a in adapters.items()}
        arrays.update({f"{n}.B": a.B.detach().numpy() for n, a in adapters.items()})
        arrays.update({"head.w": head[1].weight.detach().numpy()[0], "head.b": head[1].bias.detach().numpy()})
        arrays.update({f"dev_{lang}": p for lang, p in probs.items()})
        np.savez(out / f"epoch{epoch}.npz", **arrays)
        report.update(dev_scores(dev, probs))
        print(json.dumps(report), flush=True)


def dev_scores(dev: dict, probs: dict, fixed: float = 0.5) -> dict:
    """Macro-F1 per dev file at 0.5 and at the threshold best for the mean over dev files."""
    ys = {lang: np.array([r["label"] == "SUBJ" for r in dev[lang]]) for lang in LANGS}
    at = {t: [macro_f1(ys[lang], probs[lang] >= t) for lang in LANGS] for t in np.round(np.arange(0.2, 0.81, 0.05), 2)}
    best = max(at, key=lambda t: np.mean(at[t]))
    at[round(fixed, 2)] = [macro_f1(ys[lang], probs[lang] >= fixed) for lang in LANGS]
    fixed = round(fixed, 2)
    return {f"dev@{fixed}": [round(x, 3) for x in at[fixed]], f"mean@{fixed}": round(float(np.mean(at[fixed])), 4),
            "best_t": round(float(best), 2), "dev@best": [round(x, 3) for x in at[best]],
            "mean@best": round(float(np.mean(at[best])), 4)}


def save(args) -> None:
    """Write the chosen epoch of run `tag` as annotate/models/framing/weights/sentence_e5.npz."""
    from annotate.models.framing import sentence_e5, weights
    from compare.embed import E5_MODEL_ID

    run = json.loads((Path(args.cache) / args.tag / "args.json").read_text())
    z = np.load(Path(args.cache) / args.tag / f"epoch{args.epoch}.npz", allow_pickle=False)
    dev = {lang: d.checkthat("dev", lang) for lang in LANGS}
    scores = dev_scores(dev, {lang: z[f"dev_{lang}"] for lang in LANGS}, fixed=args.threshold)
    tables = {}
    for key in z.files:
        if key.endswith((".A", ".B")):
            layer, rest = key.split(".", 1)
            tables[f"lora.encoder.layer.{layer[len('layer'):]}.{rest}"] = z[key].astype(np.float16)
    head = weights.MLP((z["head.w"][:, None],), (z["head.b"],), args.threshold)
    meta = {"encoder": "e5", "encoder_model_id": E5_MODEL_ID, "layers": run["layers"],
            "max_length": run["max_length"], "lora_rank": run["rank"], "lora_alpha": run["alpha"],
            "lora_targets": list(TARGETS), "pooling": "mean of the last kept layer", "prefix": "query: ",
            "training": training_note(run.get("babe", "none")),
            "tuning": "CheckThat! 2025 dev_en/de/it (mean macro-F1)", "recipe": run, "epoch": args.epoch,
            "dev_tuned_on": scores, "licence": "derived from CheckThat! 2025 (CC BY-NC-SA 4.0)"}
    path = weights.WEIGHTS_DIR / sentence_e5.MODEL_FILE
    weights.save(path, {"head": head}, meta, tables)
    print(json.dumps({"saved": str(path), "bytes": path.stat().st_size, **scores}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=("train", "save"))
    ap.add_argument("--tag", required=True)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16.0)
    ap.add_argument("--lora-dropout", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--babe", choices=("none", "editorial", "mixed"), default="none",
                    help="add BABE SG2 train-part opinion labels (editorial: fact vs writer's opinion)")
    ap.add_argument("--cache", default=str(CACHE), help="folder of the runs (one subfolder per tag)")
    ap.add_argument("--epoch", type=int, help="save: which epoch of the run")
    ap.add_argument("--threshold", type=float, default=0.5, help="save: decision threshold (chosen on dev)")
    args = ap.parse_args()
    (train if args.cmd == "train" else save)(args)


if __name__ == "__main__":
    main()
