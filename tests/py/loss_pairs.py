"""Runs the loss of generated PyTorch files on fixed inputs and labels, next to a reference.

    loss_pairs.py MANIFEST.json RESULTS.json

Each manifest entry: {"torch": file, "weights": npz, "x": npz with "x" and "y" (class ids or
0/1), "activation": the Dense output's activation, "loss": the Keras loss name}. The generated
file's own `criterion = ...` line (from its main()) is evaluated in the module's namespace and
applied to build_model()'s outputs after load_weights, with the targets prepared as the file's
main() does. The reference recomputes the loss from the Dense layer's raw outputs (x @ W + b,
from the npz) with the Keras formula written out below, independent of the generated code.
"""

import importlib.util
import json
import re
import sys
import traceback

import numpy as np
import torch

EPS = 1e-7


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def reference(z, y, activation, loss):
    """Keras's loss (from_logits=False unless the output has no softmax/sigmoid)."""
    a = ACTIVATIONS[activation](z)
    probabilities = activation in ("softmax", "sigmoid")
    if loss in ("sparse_categorical_crossentropy", "categorical_crossentropy"):
        if probabilities:
            p = (a / a.sum(dim=1, keepdim=True)).clamp(EPS, 1 - EPS)
            logp = torch.log(p)
        else:
            logp = torch.log_softmax(a, dim=1)
        return float(-logp[torch.arange(len(y)), y.long()].mean())
    if loss == "binary_crossentropy":
        t = y.float().reshape(-1, 1)
        if not probabilities:
            # from_logits=True: tf.nn.sigmoid_cross_entropy_with_logits, no clipping.
            return float((a.clamp(min=0) - a * t + torch.log1p(torch.exp(-a.abs()))).mean())
        p = a.clamp(EPS, 1 - EPS)
        return float(-(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean())
    raise ValueError(loss)


def run(entry, index):
    module = load_module(entry["torch"], f"loss_{index}")
    model = module.load_weights(module.build_model(), entry["weights"])
    model.eval()
    data = np.load(entry["x"])
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    source = open(entry["torch"], encoding="utf-8").read()
    line = re.search(r"^\s*criterion = (.+)$", source, re.M).group(1)
    criterion = eval(line.split("  #")[0], vars(module))  # the file's own expression
    targets = y.long() if "categorical" in entry["loss"] else y.float().reshape(-1, 1)
    with torch.no_grad():
        generated = float(criterion(model(x), targets))
        weights = np.load(entry["weights"])
        kernel = [k for k in weights.files if k.endswith("kernel")][0]
        bias = [k for k in weights.files if k.endswith("bias")][0]
        z = x @ torch.from_numpy(weights[kernel]) + torch.from_numpy(weights[bias])
        expected = reference(z, y, entry["activation"], entry["loss"])
    return {"generated": generated, "reference": expected, "criterion": line}


def main():
    manifest = json.load(open(sys.argv[1]))
    results = []
    for i, entry in enumerate(manifest):
        try:
            results.append(run(entry, i))
        except Exception:
            results.append({"error": traceback.format_exc()})
    json.dump(results, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
