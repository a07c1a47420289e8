"""Executes generated Python for the vitest suites, many files per process (torch is slow to import).

    harness.py torch MANIFEST.json RESULTS.json   build, count, forward and train PyTorch files
    harness.py keras-calls FILE...                print the layer calls of Keras files as JSON

Each manifest entry: {"file", "input": torch input shape, "targets": class_ids|one_hot|binary|values,
"units", "train": bool}. Training replaces the module's load_data() with a tiny synthetic data set.
"""

import ast
import contextlib
import importlib.util
import io
import json
import sys
import traceback

import numpy as np


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_loader(input_shape, targets, units, n=40, ids=None):
    """A load_data() stand-in: n random examples shaped like the Keras input (channels last);
    token ids in 0..ids-1 (int32) when `ids` is given."""

    def load_data():
        rng = np.random.default_rng(0)
        if ids:
            x = rng.integers(0, ids, size=(n,) + tuple(input_shape)).astype("int32")
        else:
            x = rng.normal(size=(n,) + tuple(input_shape)).astype("float32")
        if targets == "values":
            y = rng.normal(size=n).astype("float32")
        elif targets == "binary":
            y = rng.integers(0, 2, n).astype("int64")
        else:
            y = rng.integers(0, units, n).astype("int64")
        return x, y

    return load_data


def example_batch(entry, n):
    """A random input batch: token ids in 0..ids-1 for an int32 Input (entry "ids"), else normal."""
    import torch

    if entry.get("ids"):
        return torch.randint(0, entry["ids"], (n, *entry["input"]))
    return torch.randn(n, *entry["input"])


def check_torch(entry, index):
    import torch

    out = {"file": entry["file"]}
    try:
        module = load_module(entry["file"], f"generated_{index}")
        model = module.build_model()
        out["trainable"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
        model.eval()
        torch.manual_seed(0)
        with torch.no_grad():
            y = model(example_batch(entry, 3))
        out["output"] = list(y.shape[1:])
        proba = getattr(model, "predict_proba", None) or getattr(module, "predict_proba", None)
        if proba is not None:
            with torch.no_grad():
                x = example_batch(entry, 3)
                p = proba(x) if hasattr(model, "predict_proba") else proba(model, x)
            out["probaRange"] = [float(p.min()), float(p.max())]
        if entry.get("train"):
            module.EPOCHS = 1
            module.BATCH_SIZE = 16
            module.load_data = synthetic_loader(
                entry["kerasInput"], entry["targets"], entry["units"], ids=entry.get("ids")
            )
            log = io.StringIO()
            with contextlib.redirect_stdout(log):
                trained = module.main()
            out["trainLog"] = log.getvalue()
            out["trainedIsModule"] = isinstance(trained, torch.nn.Module)
    except Exception:
        out["error"] = traceback.format_exc()
    return out


def is_layer_call(node):
    """True for `layers.X(...)` and `keras.Input(...)`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    base = node.func.value
    if not isinstance(base, ast.Name):
        return False
    return base.id == "layers" or (base.id == "keras" and node.func.attr == "Input")


def call_value(node):
    """An argument as data: a literal, or a layer passed to a wrapper (Bidirectional(LSTM(...)))
    as {"className", "args", "kwargs"}."""
    if is_layer_call(node):
        return {
            "className": node.func.attr,
            "args": [call_value(a) for a in node.args],
            "kwargs": {k.arg: call_value(k.value) for k in node.keywords},
        }
    return ast.literal_eval(node)


def keras_calls(path):
    """The `keras.Input(...)` / `layers.X(...)` constructor calls of a Keras file, in order; a
    layer built inside another's arguments is part of that call, not a call of its own."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    nested = set()
    for node in ast.walk(tree):
        if is_layer_call(node):
            for a in list(node.args) + [k.value for k in node.keywords]:
                if is_layer_call(a):
                    nested.add(id(a))
    calls = []
    for node in ast.walk(tree):
        if is_layer_call(node) and id(node) not in nested:
            calls.append({"line": node.lineno, **call_value(node)})
    calls.sort(key=lambda c: c["line"])
    return calls


def main():
    mode = sys.argv[1]
    if mode == "torch":
        manifest = json.load(open(sys.argv[2]))
        results = [check_torch(entry, i) for i, entry in enumerate(manifest)]
        json.dump(results, open(sys.argv[3], "w"))
    elif mode == "keras-calls":
        json.dump({path: keras_calls(path) for path in sys.argv[2:]}, sys.stdout)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
