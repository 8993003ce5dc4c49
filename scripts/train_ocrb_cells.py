"""Train the OCR-B MRZ cell classifier and export it to ONNX (issue 16, item 2).

Run by ``scripts/build-ocrb-model.sh`` in a separate training virtualenv that holds torch
(CPU) and onnx; torch is never a dependency of idverify itself, which runs the exported model
with onnxruntime (``idverify/documents/mrz/ocrb_cells.py``).

    python scripts/train_ocrb_cells.py --train a.npz b.npz --valid c.npz --out ocrb_cells.onnx

Input: the .npz files ``python -m idverify.docgen.ocrb_cells`` writes (x: int8 cells in
sixteenths of the standardised grey, y: symbol indices). Deterministic for a seed on one
machine (one thread count, fixed shuffles).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

N_SYMBOLS = 37


def model() -> nn.Module:
    """A small CNN for a 34 x 24 cell, averaged down to 17 x 12 first (MRZ print in a photo is
    8-14 px high: the cell holds no finer detail): three conv stages, one hidden layer
    (about 0.14 M weights, about a million multiply-adds per cell)."""
    return nn.Sequential(
        nn.AvgPool2d(2),  # 17 x 12
        nn.Conv2d(1, 24, 3, padding=1), nn.BatchNorm2d(24), nn.ReLU(),
        nn.Conv2d(24, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 8 x 6
        nn.Conv2d(32, 48, 3, padding=1), nn.BatchNorm2d(48), nn.ReLU(), nn.MaxPool2d(2),  # 4 x 3
        nn.Flatten(), nn.Dropout(0.2), nn.Linear(48 * 4 * 3, 128), nn.ReLU(), nn.Linear(128, N_SYMBOLS),
    )


def load(paths: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    xs, ys = [], []
    for p in paths:
        d = np.load(p)
        xs.append(d["x"].astype(np.float32) / 16.0)
        ys.append(d["y"].astype(np.int64))
    return torch.from_numpy(np.concatenate(xs)), torch.from_numpy(np.concatenate(ys))


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(x[i:i + 4096]).argmax(1) for i in range(0, len(x), 4096)])
    return float((pred == y).float().mean())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train", nargs="+", required=True)
    p.add_argument("--valid", nargs="+", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--threads", type=int, default=1, help="torch threads (one: two cost three times the CPU on this small net)")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(a.seed)
    x, y = load(a.train)
    vx, vy = load(a.valid)
    print(f"train {len(y)} cells, valid {len(vy)} cells")
    net = model()
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = a.epochs * ((len(y) + 511) // 512)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    t0 = time.process_time()
    for epoch in range(a.epochs):
        net.train()
        order = torch.randperm(len(y), generator=gen)
        total = 0.0
        for i in range(0, len(y), 512):
            idx = order[i:i + 512]
            xb = x[idx]
            # A little more noise and a one-pixel shift: cells the jittered grid did not cut.
            xb = xb + 0.15 * torch.randn(xb.shape, generator=gen)
            shift = int(torch.randint(-1, 2, (1,), generator=gen))
            if shift:
                xb = torch.roll(xb, shift, dims=3)
            loss = loss_fn(net(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}: loss {total / len(y):.4f}, valid accuracy {accuracy(net, vx, vy):.4%}, "
              f"{time.process_time() - t0:.0f} CPU s", flush=True)
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, 34, 24), a.out, input_names=["cells"], output_names=["logits"],
                      dynamic_axes={"cells": {0: "n"}, "logits": {0: "n"}}, dynamo=False)
    print(f"valid accuracy {accuracy(net, vx, vy):.4%}; {sum(t.numel() for t in net.parameters())} weights -> {a.out}")


if __name__ == "__main__":
    main()
