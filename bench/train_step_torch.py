"""PyTorch twin of bench/train-step.mjs: the same U-Net, the same step, timed the same way.

Prints one JSON object on stdout:
  {"torch": version, "threads": n, "train-step-2d": s, "predict-2d": s, "train-step-3d": s, "predict-3d": s}
(medians in seconds). Run by train-step.mjs; usable alone:
  /usr/bin/python3 bench/train_step_torch.py --steps 5 --warmup 2 [--only 2d|3d]
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn


class UNet(nn.Module):
    """3 levels: two 3x3 conv + ReLU per level, 2x2 max-pooling down, 2x2 stride-2 transposed
    conv up, skip concatenations, 1-channel sigmoid output. Same as the tfjs model in train-step.mjs."""

    def __init__(self, dims, base):
        super().__init__()
        Conv = nn.Conv2d if dims == 2 else nn.Conv3d
        Up = nn.ConvTranspose2d if dims == 2 else nn.ConvTranspose3d
        Pool = nn.MaxPool2d if dims == 2 else nn.MaxPool3d

        def block(cin, cout):
            return nn.Sequential(Conv(cin, cout, 3, padding=1), nn.ReLU(), Conv(cout, cout, 3, padding=1), nn.ReLU())

        f = [base, base * 2, base * 4]
        self.enc0 = block(1, f[0])
        self.enc1 = block(f[0], f[1])
        self.bottom = block(f[1], f[2])
        self.pool = Pool(2)
        self.up1 = Up(f[2], f[1], 2, stride=2)
        self.dec1 = block(f[1] * 2, f[1])
        self.up0 = Up(f[1], f[0], 2, stride=2)
        self.dec0 = block(f[0] * 2, f[0])
        self.head = Conv(f[0], 1, 1)

    def forward(self, x):
        e0 = self.enc0(x)
        e1 = self.enc1(self.pool(e0))
        b = self.bottom(self.pool(e1))
        d1 = self.dec1(torch.cat([self.up1(b), e1], 1))
        d0 = self.dec0(torch.cat([self.up0(d1), e0], 1))
        return torch.sigmoid(self.head(d0))


def median_time(fn, steps, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench(dims, shape, base, steps, warmup):
    torch.manual_seed(0)
    model = UNet(dims, base)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    x = torch.rand(shape)
    y = (torch.rand(shape) > 0.5).float()

    def train_step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    def predict():
        with torch.no_grad():
            return model(x).sum().item()

    return median_time(train_step, steps, warmup), median_time(predict, steps, warmup)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--only", choices=["2d", "3d"])
    a = p.parse_args()
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)", file=sys.stderr)
    if a.only in (None, "2d"):
        out["train-step-2d"], out["predict-2d"] = bench(2, (8, 1, 128, 128), 16, a.steps, a.warmup)
    if a.only in (None, "3d"):
        out["train-step-3d"], out["predict-3d"] = bench(3, (2, 1, 32, 64, 64), 8, a.steps, a.warmup)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
