#!/usr/bin/env python3
"""Makes the PyTorch fixtures of tests/Emulator.Nn.Tests (run with Debian's python3-torch 1.13:
`/usr/bin/python3 make_fixture.py`; the files are written next to this script). The tests only read the files; they never need torch.

Writes, as safetensors (written by hand below: 8-byte little-endian header length, JSON header, raw little-endian data,
so the `safetensors` package is not needed):
  cnn_model.safetensors   a small net with FashionCnn's layer layout and names (0 conv, 1 BN, 2 ReLU, 3 maxpool,
                          4 conv, 5 BN, 6 ReLU, 7 maxpool, 8 flatten, 9 linear, 10 ReLU, 11 linear), narrower, with
                          random weights and batch-norm statistics (num_batches_tracked as I64)
  cnn_io.safetensors      a fixed input [3, 1, 28, 28] and PyTorch's logits [3, 10] in eval mode
  linear_model.safetensors, linear_io.safetensors   the same for Sequential(Linear(12, 16), Linear(16, 5))
  optim_trace.safetensors parameters after each of 5 steps of SGD / Adam / AdamW variants from fixed gradients,
                          learning-rate traces of the schedules, and clip_grad_norm_ results
"""
import json
import math
import os
import struct

import torch
from torch import nn

DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def save(path, tensors, metadata=None):
    """Writes a dict name -> tensor (float32 or int64, any shape) as safetensors, in insertion order."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype, _ = DTYPES[t.dtype]
        data = t.numpy().tobytes()  # native little-endian on x86
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def randomize_batch_norm(bn, gen):
    with torch.no_grad():
        bn.weight.copy_(1 + 0.3 * torch.randn(bn.num_features, generator=gen))
        bn.bias.copy_(0.2 * torch.randn(bn.num_features, generator=gen))
        bn.running_mean.copy_(0.5 * torch.randn(bn.num_features, generator=gen))
        bn.running_var.copy_(0.5 + torch.rand(bn.num_features, generator=gen))
        bn.num_batches_tracked.fill_(123)


def models():
    torch.manual_seed(14)
    gen = torch.Generator().manual_seed(14)
    cnn = nn.Sequential(
        nn.Conv2d(1, 4, 5, padding=2), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 5, padding=2), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 7 * 7, 32), nn.ReLU(), nn.Linear(32, 10))
    randomize_batch_norm(cnn[1], gen)
    randomize_batch_norm(cnn[5], gen)
    cnn.eval()
    x = torch.randn(3, 1, 28, 28, generator=gen)
    with torch.no_grad():
        logits = cnn(x)
    save("cnn_model.safetensors", cnn.state_dict(), {"format": "pt"})
    save("cnn_io.safetensors", {"input": x, "logits": logits})

    linear = nn.Sequential(nn.Linear(12, 16), nn.Linear(16, 5))
    x = torch.randn(4, 12, generator=gen)
    with torch.no_grad():
        logits = linear(x)
    save("linear_model.safetensors", linear.state_dict(), {"format": "pt"})
    save("linear_io.safetensors", {"input": x, "logits": logits})


OPTIMIZERS = {
    "sgd_plain": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum_wd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=5e-4),
    "sgd_dampening": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.8, weight_decay=1e-2, nesterov=True),
    "adam": lambda p: torch.optim.Adam(p, lr=3e-3, betas=(0.85, 0.99), eps=1e-6),
    "adam_wd_amsgrad": lambda p: torch.optim.Adam(p, lr=3e-3, weight_decay=1e-2, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1),
    "adamw_amsgrad": lambda p: torch.optim.AdamW(p, lr=1e-2, betas=(0.8, 0.95), amsgrad=True),
}
STEPS = 5


def optim_trace():
    gen = torch.Generator().manual_seed(7)
    out = {"param": torch.randn(37, generator=gen)}
    grads = [torch.randn(37, generator=gen) for _ in range(STEPS)]
    for s, g in enumerate(grads):
        out[f"grad.{s}"] = g
    for name, make in OPTIMIZERS.items():
        p = nn.Parameter(out["param"].clone())
        opt = make([p])
        for s, g in enumerate(grads):
            p.grad = g.clone()
            opt.step()
            out[f"{name}.{s}"] = p.detach().clone()

    # schedules: the learning rate before each of 12 steps (base 0.1)
    def lrs(make, n=12):
        opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
        sched = make(opt)
        values = []
        for _ in range(n):
            values.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return values

    schedules = {
        "step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
        "linear": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4),
        "warmup_cosine": lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
            torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
            torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=9)], milestones=[3]),
    }
    lr_meta = {}
    for name, make in schedules.items():
        # the float64 values travel as metadata text (the tensors here are F32 / I64 only)
        lr_meta[f"lr.{name}"] = ",".join(repr(v) for v in lrs(make))

    # clip_grad_norm_ over three gradients
    ps = [nn.Parameter(torch.zeros(n)) for n in (37, 5, 100)]
    for norm_type, tag in ((2.0, "2"), (math.inf, "inf")):
        for i, p in enumerate(ps):
            p.grad = torch.randn(p.numel(), generator=torch.Generator().manual_seed(100 + i))
            out[f"clip.{tag}.before.{i}"] = p.grad.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm=1.5, norm_type=norm_type)
        out[f"clip.{tag}.total"] = total.reshape(1).float()
        for i, p in enumerate(ps):
            out[f"clip.{tag}.after.{i}"] = p.grad.clone()
    save("optim_trace.safetensors", out, {"torch": torch.__version__, **lr_meta})


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))  # the files go next to this script
    torch.set_num_threads(1)
    models()
    optim_trace()
