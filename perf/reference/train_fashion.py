#!/usr/bin/env python3
"""PyTorch reference for `emu bench train` and `emu train`: the same FashionCnn (or Mlp), data and recipe on the CPU.

Net (issue 14): Sequential(Conv2d(1,16,5,padding=2), BatchNorm2d(16), ReLU(), MaxPool2d(2), Conv2d(16,32,5,padding=2),
BatchNorm2d(32), ReLU(), MaxPool2d(2), Flatten(), Linear(1568,128), ReLU(), Linear(128,10)).
Recipe: batch 128, SGD momentum 0.9, lr 0.05 with cosine decay over all steps (stepped per batch), weight decay 5e-4,
inputs normalised with mean 0.2860 and std 0.3530; the data are held as one normalised float32 tensor and each epoch
draws a torch.randperm (no DataLoader overhead). Reads the MNIST-layout IDX files (plain or .gz) with numpy only.

Timing: `--warmup-steps` steps on a throw-away copy first, then every epoch of a fresh model is timed (training steps
only; evaluation is timed separately). Prints one JSON object on stdout: images/s per epoch and the test accuracy.

Usage: python3 train_fashion.py [--data DIR] [--epochs N] [--threads T] [--model fashion-cnn|mlp] [--max-steps S]
Needs Debian's python3-torch (1.13, CPU) and python3-numpy: apt-get install -y python3-torch python3-numpy
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

MEAN, STD = 0.2860, 0.3530


def read_idx(directory, name):
    for path in (os.path.join(directory, name), os.path.join(directory, name + ".gz")):
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            assert data[0] == 0 and data[1] == 0 and data[2] == 0x08, f"{path}: not an unsigned-byte IDX file"
            rank = data[3]
            dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)
    sys.exit(f"train_fashion.py: {name}[.gz] not found in {directory} (install the Debian package dataset-fashion-mnist)")


def load(directory, prefix):
    x = read_idx(directory, f"{prefix}-images-idx3-ubyte").astype(np.float32) / 255.0
    y = read_idx(directory, f"{prefix}-labels-idx1-ubyte").astype(np.int64)
    x = (torch.from_numpy(x) - MEAN) / STD
    return x.unsqueeze(1).contiguous(), torch.from_numpy(y)


def fashion_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def evaluate(model, x, y, batch=1000):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits = model(x[i:i + batch])
            loss += nn.functional.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return loss / len(x), correct / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--model", default="fashion-cnn", choices=["fashion-cnn", "mlp"])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--warmup-steps", type=int, default=20)
    p.add_argument("--max-steps", type=int, default=0, help="time only this many steps per epoch (0: the whole epoch)")
    p.add_argument("--no-eval", action="store_true", help="skip the test-set evaluation")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x_train, y_train = load(a.data, "train")
    x_test, y_test = load(a.data, "t10k")
    build = fashion_cnn if a.model == "fashion-cnn" else mlp
    steps_per_epoch = math.ceil(len(x_train) / a.batch)
    if a.max_steps > 0:
        steps_per_epoch = min(steps_per_epoch, a.max_steps)
    total = steps_per_epoch * a.epochs

    def run(model, epochs, steps_limit, record):
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=5e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(total, 1))
        loss_fn = nn.CrossEntropyLoss()
        for epoch in range(epochs):
            order = torch.randperm(len(x_train))
            start, seen, loss_sum, correct = time.perf_counter(), 0, 0.0, 0
            for step in range(min(steps_limit, math.ceil(len(x_train) / a.batch))):
                idx = order[step * a.batch:(step + 1) * a.batch]
                xb, yb = x_train[idx], y_train[idx]
                logits = model(xb)
                loss = loss_fn(logits, yb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                seen += len(idx)
                loss_sum += loss.item() * len(idx)
                correct += (logits.argmax(1) == yb).sum().item()
            seconds = time.perf_counter() - start
            if record is not None:
                eval_start = time.perf_counter()
                test_loss, test_acc = (None, None) if a.no_eval else evaluate(model, x_test, y_test)
                record.append({"epoch": epoch + 1, "seconds": seconds, "imagesPerSecond": seen / seconds, "steps": step + 1,
                               "trainLoss": loss_sum / seen, "trainAccuracy": correct / seen,
                               "testLoss": test_loss, "testAccuracy": test_acc, "evalSeconds": time.perf_counter() - eval_start})

    if a.warmup_steps > 0:
        run(build(), 1, a.warmup_steps, None)
    torch.manual_seed(a.seed)
    epochs = []
    run(build(), a.epochs, steps_per_epoch, epochs)
    ips = sorted(e["imagesPerSecond"] for e in epochs)
    print(json.dumps({
        "framework": f"PyTorch {torch.__version__}", "model": a.model, "threads": a.threads, "data": os.path.abspath(a.data),
        "trainImages": len(x_train), "testImages": len(x_test), "batchSize": a.batch, "learningRate": a.lr,
        "imagesPerSecond": ips[len(ips) // 2], "epochSeconds": sorted(e["seconds"] for e in epochs)[len(epochs) // 2],
        "testAccuracy": None if a.no_eval else epochs[-1]["testAccuracy"], "epochs": epochs}))


if __name__ == "__main__":
    main()
