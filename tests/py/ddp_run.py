"""Runs a generated distributed PyTorch script's main() under torchrun on a tiny synthetic data set
and writes a checksum of the trained weights to OUT_DIR/rank<RANK>.txt.

    python -m torch.distributed.run --standalone --nproc_per_node=2 ddp_run.py FILE OUT_DIR INPUT_SHAPE_JSON TARGETS UNITS
"""

import hashlib
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from harness import load_module, synthetic_loader  # noqa: E402

path, out_dir, input_shape, targets, units = sys.argv[1:6]
module = load_module(path, "generated_ddp")
module.EPOCHS = 1
module.BATCH_SIZE = 8
module.load_data = synthetic_loader(json.loads(input_shape), targets, int(units), n=64)
model = module.main()
weights = torch.cat([p.detach().flatten() for p in model.parameters()]).double().numpy()
digest = hashlib.sha256(weights.tobytes()).hexdigest()
rank = os.environ["RANK"]
with open(os.path.join(out_dir, f"rank{rank}.txt"), "w") as f:
    f.write(digest)
