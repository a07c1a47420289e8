"""PyTorch side of `npm run bench -- gpu`: the same two models as the app's templates
(shared/templates/mnist-mlp.json and mnist-cnn.json), Adam lr 1e-3, cross-entropy on logits (what
the templates' softmax + sparse categorical cross-entropy compute), synthetic MNIST-shaped data
already on the device, one shuffled pass per (device, model, batch), synchronised before the
clock is read.

    python3 bench_torch.py '{"models": ["mlp", "cnn"], "batches": [64, 512, 4096],
        "devices": ["cuda", "cpu", "cpu1"], "steps": null, "max_s_cuda": 6, "max_s_cpu": 4,
        "deadline_s": 80}'

`steps` null means one epoch (60,000 MLP / 30,000 CNN samples), else that many batches.
Prints `TORCHINFO {json}` once, then `RESULT {json}` per configuration as soon as it is measured
(so a timeout keeps what was done). Steady samples/s excludes the first batch, as on the TF.js side.
"""
import json
import os
import sys
import time

T0 = time.perf_counter()
import torch  # noqa: E402

EPOCH_SAMPLES = {"mlp": 60000, "cnn": 30000}
TEMPLATE_PARAMS = {"mlp": 109386, "cnn": 34826}


def emit(kind, value):
    print(kind + " " + json.dumps(value), flush=True)


def build(model):
    nn = torch.nn
    if model == "mlp":
        # Input [784] -> Dense 128 relu -> Dense 64 relu -> Dense 10 (softmax in the loss)
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    # Input 28x28x1 -> Conv2D 32 3x3 relu -> MaxPool 2 -> Conv2D 64 3x3 relu -> MaxPool 2
    # -> Flatten (5*5*64) -> Dropout 0.5 -> Dense 10. NCHW here, NHWC in TF.js: same work.
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
    )


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def run(dev, label, threads, model_id, batch, n, max_s, deadline):
    torch.manual_seed(1)
    shape = (n, 784) if model_id == "mlp" else (n, 1, 28, 28)
    x_all = torch.rand(shape, device=dev)
    y_all = torch.randint(0, 10, (n,), device=dev)
    model = build(model_id).to(dev)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    sync(dev)
    start = time.perf_counter()
    order = torch.randperm(n, device=dev)
    total = torch.zeros((), device=dev)
    done = first_samples = 0
    t_first = None
    first_batch_s = None
    stopped = None
    for b in range(0, n, batch):
        idx = order[b:b + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x_all[idx]), y_all[idx])
        loss.backward()
        opt.step()
        total += loss.detach() * len(idx)
        done += len(idx)
        if t_first is None:
            sync(dev)
            t_first = time.perf_counter()
            first_batch_s = t_first - start
            first_samples = done
        now = time.perf_counter()
        if done < n and now - start > max_s:
            stopped = f"time cap {max_s}s"
            break
        if done < n and now - T0 > deadline:
            stopped = f"deadline {deadline}s"
            break
    sync(dev)
    end = time.perf_counter()
    loss = float(total.item()) / done
    steady = done - first_samples
    return {
        "impl": "pytorch",
        "backend": "cuda" if dev.type == "cuda" else "cpu",
        "device": label,
        "threads": threads,
        "model": model_id,
        "batch": batch,
        "params": params,
        "params_match_template": params == TEMPLATE_PARAMS[model_id],
        "samples": done,
        "samples_requested": n,
        "seconds": round(end - start, 4),
        "samples_per_s": round(done / (end - start)),
        "steady_samples_per_s": round(steady / (end - t_first)) if steady > 0 and end > t_first else None,
        "first_batch_s": round(first_batch_s, 4),
        "loss": round(loss, 4),
        "stopped": stopped,
    }


def main():
    cfg = json.loads(sys.argv[1])
    info = {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "cuda_available": torch.cuda.is_available(),
        "cpu_count": os.cpu_count(),
        "import_s": round(time.perf_counter() - T0, 2),
    }
    if torch.cuda.is_available():
        info["cuda_device"] = torch.cuda.get_device_name(0)
        info["cuda_version"] = torch.version.cuda
    emit("TORCHINFO", info)
    seen = set()
    for d in cfg["devices"]:
        key = d if d == "cuda" else (int(d[3:]) if len(d) > 3 else (os.cpu_count() or 1))
        if key in seen:  # `cpu` and `cpu1` on a one-core machine
            continue
        seen.add(key)
        if d == "cuda":
            if not torch.cuda.is_available():
                emit("NOTE", {"device": "cuda", "note": "torch.cuda.is_available() is False: skipped"})
                continue
            dev, label, threads, max_s = torch.device("cuda"), "cuda", None, cfg["max_s_cuda"]
        else:
            threads = int(d[3:]) if len(d) > 3 else (os.cpu_count() or 1)
            torch.set_num_threads(threads)
            dev, label, max_s = torch.device("cpu"), f"cpu-{threads}t", cfg["max_s_cpu"]
        for model_id in cfg["models"]:
            for batch in cfg["batches"]:
                base = {"impl": "pytorch", "backend": dev.type, "device": label, "threads": threads,
                        "model": model_id, "batch": batch}
                if time.perf_counter() - T0 > cfg["deadline_s"]:
                    emit("RESULT", {**base, "skipped": True, "error": f"not run: deadline {cfg['deadline_s']}s"})
                    continue
                n = EPOCH_SAMPLES[model_id] if cfg["steps"] is None else cfg["steps"] * batch
                try:
                    emit("RESULT", run(dev, label, threads, model_id, batch, n, max_s, cfg["deadline_s"]))
                except Exception as e:  # one failure must not lose the rest
                    emit("RESULT", {**base, "error": f"{type(e).__name__}: {e}"})
                if dev.type == "cuda":
                    torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
