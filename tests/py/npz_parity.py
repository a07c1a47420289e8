"""Loads weights.npz files into generated models, many files per process (torch is slow to import).

    npz_parity.py MANIFEST.json RESULTS.json

Each manifest entry: {"torch": file or null, "keras": file or null, "weights": npz, "x": npz
with "x" (channels last, as TF.js takes it)}. For PyTorch, the result holds the keys
load_weights() read and the outputs of the loaded model in eval mode (probabilities when it has
predict_proba), channels last again. For Keras (no TensorFlow here: tensorflow is stubbed),
the keys read and, per layer, the shapes handed to set_weights().
"""

import contextlib
import importlib.util
import json
import sys
import traceback
import types

import numpy as np

REAL_LOAD = np.load


class RecordingNpz:
    """np.load(path) stand-in that remembers which keys were read."""

    def __init__(self, path):
        self.npz = REAL_LOAD(path)
        self.keys = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.npz.close()

    def __getitem__(self, key):
        self.keys.append(key)
        return self.npz[key]


@contextlib.contextmanager
def recording_load(path):
    """Patches np.load for one load_weights() call; yields the recorder."""
    recorder = RecordingNpz(path)
    np.load = lambda *args, **kwargs: recorder
    try:
        yield recorder
    finally:
        np.load = REAL_LOAD


def load_module(path, name):
    with open(path, encoding="utf-8") as f:
        compile(f.read(), path, "exec")  # a SyntaxError names the file and line
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stub_tensorflow():
    tf = types.ModuleType("tensorflow")
    keras = types.ModuleType("tensorflow.keras")
    keras.layers = types.ModuleType("tensorflow.keras.layers")
    tf.keras = keras
    sys.modules.update(
        {"tensorflow": tf, "tensorflow.keras": keras, "tensorflow.keras.layers": keras.layers}
    )


class FakeLayer:
    def __init__(self, record, name):
        self.record, self.name = record, name

    def set_weights(self, arrays):
        self.record[self.name] = [list(np.asarray(a).shape) for a in arrays]


class FakeModel:
    """Records what load_weights() hands to each layer's set_weights()."""

    def __init__(self):
        self.layers = {}

    def get_layer(self, name):
        return FakeLayer(self.layers, name)


def check_torch(entry, index):
    import torch

    out = {}
    module = load_module(entry["torch"], f"torch_{index}")
    model = module.build_model()
    with recording_load(entry["weights"]) as recorder:
        returned = module.load_weights(model, entry["weights"])
    out["keys"] = recorder.keys
    out["returnsModel"] = returned is model
    model.eval()
    x = torch.from_numpy(REAL_LOAD(entry["x"])["x"])
    if entry.get("intInput"):
        x = x.round().long()  # token ids: the generated model takes int64 (nn.Embedding)
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2)  # channels first, as the generated docstring says
    with torch.no_grad():
        if hasattr(model, "predict_proba"):
            y = model.predict_proba(x)
        elif hasattr(module, "predict_proba"):
            y = module.predict_proba(model, x)
        else:
            y = model(x)
    if y.dim() == 4:
        y = y.permute(0, 2, 3, 1)  # back to channels last, as TF.js gives it
    out["shape"] = list(y.shape)
    out["y"] = [float(v) for v in y.reshape(-1)]
    return out


def check_keras(entry, index):
    module = load_module(entry["keras"], f"keras_{index}")
    model = FakeModel()
    with recording_load(entry["weights"]) as recorder:
        returned = module.load_weights(model, entry["weights"])
    return {"keys": recorder.keys, "layers": model.layers, "returnsModel": returned is model}


def main():
    stub_tensorflow()
    manifest = json.load(open(sys.argv[1]))
    results = []
    for i, entry in enumerate(manifest):
        result = {}
        for framework, check in (("torch", check_torch), ("keras", check_keras)):
            if not entry.get(framework):
                continue
            try:
                result[framework] = check(entry, i)
            except Exception:
                result[framework] = {"error": traceback.format_exc()}
        results.append(result)
    json.dump(results, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
