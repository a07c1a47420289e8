"""Runs the generated PyTorch code of many fuzzed projects in one process (torch is slow to import).

    fuzz_runner.py MANIFEST.json RESULTS.json

Each manifest entry is npz_parity.py's ({"torch": file, "weights": npz, "x": npz}). Each result
holds npz_parity's PyTorch outputs (channels last, eval mode) and the model's parameter counts:
"trainable" (sum of parameters' numel) and "nonTrainable" (BatchNorm running mean and variance,
as Keras counts moving statistics; num_batches_tracked is a counter, not a weight).
"""

import json
import os
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py"))

import npz_parity  # noqa: E402


def counts(entry, index):
    module = npz_parity.load_module(entry["torch"], f"torch_count_{index}")
    model = module.build_model()
    trainable = sum(p.numel() for p in model.parameters())
    non_trainable = sum(
        b.numel()
        for name, b in model.named_buffers()
        if name.endswith("running_mean") or name.endswith("running_var")
    )
    return {"trainable": int(trainable), "nonTrainable": int(non_trainable)}


def main():
    npz_parity.stub_tensorflow()
    manifest = json.load(open(sys.argv[1]))
    results = []
    for i, entry in enumerate(manifest):
        try:
            result = npz_parity.check_torch(entry, i)
            result.update(counts(entry, i))
        except Exception:
            result = {"error": traceback.format_exc(limit=3)}
        results.append(result)
    json.dump(results, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
