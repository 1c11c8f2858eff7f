"""Serialisation of a trained RoutingModel to bytes and back.

The bytes are a compressed NumPy archive holding only arrays and a JSON header, loaded with
``allow_pickle=False``: a model read back from the database can never run code, and it does
not depend on the internals of any library version (a block is rebuilt as a scikit-learn
``TfidfVectorizer`` from its terms and IDF).
"""

import io
import json
import zipfile

import numpy as np

from .features import Block

FORMAT_VERSION = 2


def _encode_strings(strings):
    # Terms are normalised text (letters, "_", "=", spaces), so a newline never occurs in one.
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _decode_strings(array):
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def dump(model):
    header = {
        "format": FORMAT_VERSION,
        "params": model.params,
        "n_train": model.n_train,
        "trained_at": model.trained_at,
        "label_counts": model.label_counts,
        "temperature": model.temperature,
        "selection": model.selection,
        "auto": model.auto,
        "table": model.table,
        "blocks": {name: {"use_idf": block.use_idf} for name, block in model._blocks.items()},
    }
    if model._confidence is not None:
        header["confidence_temperature"] = model._confidence[2]
    arrays = {
        "header": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
        "classes": _encode_strings(model.classes_),
        "coef": model._coef.astype(np.float16),
        "intercept": model._intercept,
    }
    if model._confidence is not None:
        # The confidence model, when it is not the router (docs/routing.md).
        arrays["confidence_coef"] = model._confidence[0].T.astype(np.float16)
        arrays["confidence_intercept"] = model._confidence[1]
    for name, block in model._blocks.items():
        arrays[f"{name}_vocabulary"] = _encode_strings(block.terms)
        arrays[f"{name}_idf"] = block.idf
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def load(cls, data):
    try:
        archive = np.load(io.BytesIO(bytes(data)), allow_pickle=False)
        header = json.loads(archive["header"].tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ValueError(f"not a stored routing model: {exc}") from exc
    if header.get("format") != FORMAT_VERSION:
        raise ValueError(
            f"routing model format {header.get('format')!r} is not {FORMAT_VERSION}: retrain"
        )
    try:
        model = cls(**header["params"])
    except TypeError as exc:
        raise ValueError(f"routing model was stored by a newer version: {exc}") from exc
    model.classes_ = _decode_strings(archive["classes"])
    model.n_train = header["n_train"]
    model.trained_at = header["trained_at"]
    model.label_counts = header["label_counts"]
    model.temperature = header["temperature"]
    model.selection = header["selection"]
    model.auto = header["auto"]
    model.table = header["table"]
    model._weights = np.ascontiguousarray(archive["coef"].astype(np.float32).T)
    model._intercept = archive["intercept"]
    if "confidence_coef" in archive:
        model._confidence = (
            np.ascontiguousarray(archive["confidence_coef"].astype(np.float32).T),
            archive["confidence_intercept"],
            header["confidence_temperature"],
        )
    model._blocks = {
        name: Block(
            name,
            model.params,
            _decode_strings(archive[f"{name}_vocabulary"]),
            archive[f"{name}_idf"],
            use_idf=settings["use_idf"],
        )
        for name, settings in header["blocks"].items()
    }
    return model
