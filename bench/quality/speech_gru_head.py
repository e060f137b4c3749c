"""The e5 speech tagger's sequence head: a small bidirectional GRU over e5's word vectors, fitted
with torch on one thread, saved as plain numpy arrays (annotate/models/speech/e5.py runs it).

Shape: standardised 384-d word vector -> 128 ReLU -> BiGRU (64 each way) -> [GRU states, the
128 ReLU units] -> 7 BIO tags. One sequence = one tagger sequence (a paragraph chunk,
speech_data.doc_sequences). Chosen on the tuning slice of PolNeAR train over the word-by-word
perceptron of session 3: head token macro F1 0.755 against 0.645 (B-CONTENT 0.724 / 0.593,
I-CONTENT 0.892 / 0.791), best after 2 epochs (epochs 1-4: 0.732, 0.755, 0.743, 0.748).
Seeds: torch.manual_seed(SEED) before each fit, batch order from torch.Generator seeded by epoch.
"""
from __future__ import annotations

import numpy as np

SEED = 14
# Sizes and schedule: a first guess (input 128 like the perceptron, GRU 64 each way, AdamW 2e-3,
# 32 sequences a batch), epochs chosen on the tuning slice (module docstring).
GRU = {"inp": 128, "hidden": 64, "epochs": 2, "lr": 2e-3, "weight_decay": 1e-4, "batch": 32}


def _net(dim: int):
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inp = torch.nn.Linear(dim, GRU["inp"])
            self.gru = torch.nn.GRU(GRU["inp"], GRU["hidden"], batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(2 * GRU["hidden"] + GRU["inp"], 7)

        def forward(self, x):
            z = torch.relu(self.inp(x))
            g, _ = self.gru(z)
            return self.out(torch.cat([g, z], -1))

    return Net()


def _pad(x: np.ndarray, spans: list[tuple[int, int]], mean, std, y: np.ndarray | None = None):
    import torch

    length = max(n for _, n in spans)
    xb = np.zeros((len(spans), length, x.shape[1]), np.float32)
    yb = np.full((len(spans), length), -100, np.int64)
    for k, (i, n) in enumerate(spans):
        xb[k, :n] = (x[i:i + n].astype(np.float32) - mean) / std
        if y is not None:
            yb[k, :n] = y[i:i + n]
    return torch.from_numpy(xb), torch.from_numpy(yb)


def spans_of(seq_lens: list[int]) -> list[tuple[int, int]]:
    """(first row, length) of each sequence, rows in order."""
    starts = np.concatenate([[0], np.cumsum(seq_lens)[:-1]]).astype(int)
    return list(zip(starts.tolist(), seq_lens))


def fit_gru_head(x: np.ndarray, y: np.ndarray, seq_lens: list[int], layer: int) -> dict:
    """The head's numpy arrays (e5.head_probs reads them) fitted on rows `x`, tags `y`."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    mean = x.mean(axis=0, dtype=np.float64).astype(np.float32)
    std = x.std(axis=0, dtype=np.float64).astype(np.float32) + 1e-6
    net = _net(x.shape[1])
    opt = torch.optim.AdamW(net.parameters(), lr=GRU["lr"], weight_decay=GRU["weight_decay"])
    spans = spans_of(seq_lens)
    order = sorted(range(len(spans)), key=lambda k: spans[k][1])  # similar lengths together: less padding
    batches = [order[i:i + GRU["batch"]] for i in range(0, len(order), GRU["batch"])]
    for epoch in range(GRU["epochs"]):
        for b in torch.randperm(len(batches), generator=torch.Generator().manual_seed(epoch)).tolist():
            xb, yb = _pad(x, [spans[k] for k in batches[b]], mean, std, y)
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xb).reshape(-1, 7), yb.reshape(-1), ignore_index=-100).backward()
            opt.step()
    return as_arrays(net, mean, std, layer)


def as_arrays(net, mean: np.ndarray, std: np.ndarray, layer: int) -> dict:
    """Named numpy arrays of the fitted net (w1/b1 input layer, w2/b2 output, gru_{f,b}_* weights)."""
    a = lambda t: t.detach().numpy().astype(np.float32).copy()
    out = {"mean": mean, "std": std, "layer": np.array(layer), "w1": a(net.inp.weight).T.copy(), "b1": a(net.inp.bias),
           "w2": a(net.out.weight).T.copy(), "b2": a(net.out.bias)}
    for d, suffix in (("f", ""), ("b", "_reverse")):
        for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            out[f"gru_{d}_{k}"] = a(getattr(net.gru, f"{k}_l0{suffix}"))
    return out


def torch_probs(head: dict, x: np.ndarray, seq_lens: list[int]) -> np.ndarray:
    """The same head's probabilities computed by torch (to check e5.head_probs' numpy GRU)."""
    import torch

    net = _net(x.shape[1])
    t = lambda v: torch.from_numpy(np.ascontiguousarray(v))
    with torch.no_grad():
        net.inp.weight.copy_(t(head["w1"].T)), net.inp.bias.copy_(t(head["b1"]))
        net.out.weight.copy_(t(head["w2"].T)), net.out.bias.copy_(t(head["b2"]))
        for d, suffix in (("f", ""), ("b", "_reverse")):
            for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(net.gru, f"{k}_l0{suffix}").copy_(t(head[f"gru_{d}_{k}"]))
        return np.concatenate([torch.softmax(net(_pad(x, [s], head["mean"], head["std"])[0]), -1)[0].numpy()
                               for s in spans_of(seq_lens)])
