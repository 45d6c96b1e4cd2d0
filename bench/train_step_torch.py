"""PyTorch twin of bench/train-step.mjs: the same U-Net, the same step.

Serve mode (used by train-step.mjs, which interleaves PyTorch and biaflow runs so both see the
same load on a shared machine): reads one JSON command per line on stdin, answers one JSON line:
  {"op": "info"}               -> {"torch": version, "threads": n}
  {"op": "setup", "dims": 2|3} -> {"ok": true}   (builds the model, optimizer and batch)
  {"op": "train"}              -> {"seconds": s}  (one training step)
  {"op": "predict"}            -> {"seconds": s}  (one prediction of the batch)

Standalone: /usr/bin/python3 bench/train_step_torch.py --steps 5 --warmup 2 [--only 2d|3d]
prints medians in seconds as one JSON object.

--threads N sets torch.set_num_threads(N) (start it with OMP_NUM_THREADS=N too, as train-step.mjs
does for its ONNX Runtime comparison at equal thread counts); without it PyTorch keeps its default.
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


# The configurations: 2D batch 8 of 128x128x1 with 16 base filters, 3D batch 2 of 32x64x64x1 with 8.
CONFIGS = {2: ((8, 1, 128, 128), 16), 3: ((2, 1, 32, 64, 64), 8)}


class Bench:
    def __init__(self, dims):
        shape, base = CONFIGS[dims]
        torch.manual_seed(0)
        self.model = UNet(dims, base)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = nn.BCELoss()
        self.x = torch.rand(shape)
        self.y = (torch.rand(shape) > 0.5).float()

    def train(self):
        t = time.perf_counter()
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        loss.item()
        return time.perf_counter() - t

    def predict(self):
        t = time.perf_counter()
        with torch.no_grad():
            self.model(self.x).sum().item()
        return time.perf_counter() - t


def serve():
    bench = None
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "info":
            out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        elif op == "setup":
            bench = Bench(cmd["dims"])
            out = {"ok": True}
        elif op == "train":
            out = {"seconds": bench.train()}
        elif op == "predict":
            out = {"seconds": bench.predict()}
        else:
            out = {"error": f"unknown op {op}"}
        print(json.dumps(out), flush=True)


def standalone(steps, warmup, only):
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for dims in (2, 3):
        if only and only != f"{dims}d":
            continue
        b = Bench(dims)
        for name, fn in (("train-step", b.train), ("predict", b.predict)):
            for _ in range(warmup):
                fn()
            out[f"{name}-{dims}d"] = statistics.median(fn() for _ in range(steps))
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--serve", action="store_true")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--only", choices=["2d", "3d"])
    p.add_argument("--threads", type=int)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.serve:
        serve()
    else:
        standalone(a.steps, a.warmup, a.only)


if __name__ == "__main__":
    main()
