"""PyTorch eager baseline for `restyle bench`.

Builds the same network as restyle's engine (dev.restyle.engine.network.StyleNetwork) from a .rsn
file (safetensors layout: 8-byte little-endian header length, JSON header, raw float32 tensors),
times it frame in, frame out (uint8 RGB -> stylised uint8 RGB, like restyle's pipeline) under
torch.no_grad(), checks its output against restyle's on one image, and prints one JSON object.

Reads its job as JSON on stdin:
  {"threads": 2, "batch": 1, "warmup": 1, "repeats": 5,
   "networks": [{"name": "full", "path": "full.rsn"}],
   "sizes": [[256, 256], [640, 480]],
   "check": {"width": 64, "height": 48, "input": "in.u8", "outputs": {"full": "full.f32"}}}
"input" holds packed RGB bytes (H, W, 3); each output holds restyle's unclamped float32 result
(3, H, W) for that network. Only the standard library, numpy and torch are used.
"""

import json
import platform
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_rsn(path):
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
    data = blob[8 + header_len :]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    architecture = json.loads(meta["architecture"])
    return architecture, tensors


class ConvNorm(torch.nn.Module):
    """Reflection pad, conv, instance norm (affine), optional ReLU: restyle's block."""

    def __init__(self, tensors, name, stride, relu, depthwise=False):
        super().__init__()
        weight = tensors[name + ".weight"]
        out_ch, in_ch, k, _ = weight.shape
        self.depthwise = None
        if depthwise:
            dw = tensors[name + ".depthwise.weight"]
            ch = dw.shape[0]
            self.depthwise = torch.nn.Sequential(
                torch.nn.ReflectionPad2d(dw.shape[2] // 2),
                torch.nn.Conv2d(ch, ch, dw.shape[2], groups=ch, bias=False),
            )
            self.depthwise[1].weight.data.copy_(dw)
        self.pad = torch.nn.ReflectionPad2d(k // 2) if k > 1 else torch.nn.Identity()
        self.conv = torch.nn.Conv2d(in_ch, out_ch, k, stride=stride)
        self.conv.weight.data.copy_(weight)
        self.conv.bias.data.copy_(tensors[name + ".bias"])
        self.norm = torch.nn.InstanceNorm2d(out_ch, affine=True, eps=1e-5)
        self.norm.weight.data.copy_(tensors[name + ".norm.gamma"])
        self.norm.bias.data.copy_(tensors[name + ".norm.beta"])
        self.relu = relu

    def forward(self, x):
        if self.depthwise is not None:
            x = self.depthwise(x)
        y = self.norm(self.conv(self.pad(x)))
        return F.relu(y) if self.relu else y


class Residual(torch.nn.Module):
    def __init__(self, tensors, name, separable):
        super().__init__()
        self.a = ConvNorm(tensors, name + ".conv1", 1, True, separable)
        self.b = ConvNorm(tensors, name + ".conv2", 1, False, separable)

    def forward(self, x):
        return x + self.b(self.a(x))


class StyleNet(torch.nn.Module):
    """restyle's transformation network: [0, 255] in, [0, 255] out (unclamped), NCHW."""

    def __init__(self, architecture, tensors):
        super().__init__()
        self.downscale = int(architecture.get("downscale", 1))
        separable = bool(architecture.get("separable", False))
        blocks = int(architecture["residualBlocks"])
        self.conv1 = ConvNorm(tensors, "conv1", 1, True)
        self.conv2 = ConvNorm(tensors, "conv2", 2, True)
        self.conv3 = ConvNorm(tensors, "conv3", 2, True)
        self.res = torch.nn.Sequential(
            *[Residual(tensors, f"res{i}", separable) for i in range(1, blocks + 1)]
        )
        # nearest: repeat, then reflection padding; bilinear: interpolate, then replication padding
        self.upsampling = architecture.get("upsampling", "nearest")
        self.up1 = ConvNorm(tensors, "up1", 1, True)
        self.up2 = ConvNorm(tensors, "up2", 1, True)
        if self.upsampling == "bilinear":
            self.up1.pad = torch.nn.ReplicationPad2d(1)
            self.up2.pad = torch.nn.ReplicationPad2d(1)
        weight = tensors["out.weight"]
        self.out_pad = torch.nn.ReflectionPad2d(weight.shape[2] // 2)
        self.out = torch.nn.Conv2d(weight.shape[1], 3, weight.shape[2])
        self.out.weight.data.copy_(weight)
        self.out.bias.data.copy_(tensors["out.bias"])

    def forward(self, x):
        h, w = x.shape[2], x.shape[3]
        y = x / 255.0 - 0.5
        if self.downscale > 1:
            y = F.avg_pool2d(y, self.downscale)
        y = self.conv3(self.conv2(self.conv1(y)))
        y = self.res(y)
        y = self.up1(self.upsample(y))
        y = self.up2(self.upsample(y))
        y = self.out(self.out_pad(y))
        if self.downscale > 1:
            y = F.interpolate(y, size=(h, w), mode="bilinear", align_corners=False)
        return (y + 0.5) * 255.0

    def upsample(self, y):
        if self.upsampling == "bilinear":
            return F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False)
        return F.interpolate(y, scale_factor=2, mode="nearest")


def stylise_frames(net, frames):
    """uint8 (N, H, W, 3) numpy -> uint8 (N, H, W, 3) numpy, as restyle's pipeline does."""
    x = torch.from_numpy(frames).permute(0, 3, 1, 2).float()
    y = net(x)
    return y.clamp(0, 255).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


def main():
    job = json.load(sys.stdin)
    torch.set_num_threads(int(job["threads"]))
    batch = int(job.get("batch", 1))
    warmup = int(job.get("warmup", 1))
    repeats = int(job["repeats"])
    rng = np.random.default_rng(7)
    nets = {}
    for spec in job["networks"]:
        architecture, tensors = read_rsn(spec["path"])
        nets[spec["name"]] = StyleNet(architecture, tensors).eval()
    result = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "checks": [],
        "rows": [],
    }
    with torch.no_grad():
        check = job.get("check")
        if check:
            w, h = int(check["width"]), int(check["height"])
            with open(check["input"], "rb") as f:
                image = np.frombuffer(f.read(), dtype=np.uint8).reshape(1, h, w, 3)
            x = torch.from_numpy(image.copy()).permute(0, 3, 1, 2).float()
            for name, path in check["outputs"].items():
                theirs = np.fromfile(path, dtype="<f4").reshape(1, 3, h, w)
                ours = nets[name](x).numpy()
                result["checks"].append(
                    {"network": name, "max_abs_diff": float(np.max(np.abs(ours - theirs)))}
                )
        for name, net in nets.items():
            for w, h in job["sizes"]:
                frames = rng.integers(0, 256, size=(batch, h, w, 3), dtype=np.uint8)
                reset_peak_rss()
                for _ in range(warmup):
                    stylise_frames(net, frames)
                times = []
                cpu_start = time.process_time()
                for _ in range(repeats):
                    start = time.perf_counter()
                    stylise_frames(net, frames)
                    times.append(time.perf_counter() - start)
                result["rows"].append(
                    {
                        "network": name,
                        "width": w,
                        "height": h,
                        "batch": batch,
                        "median_ms": float(np.median(times)) * 1000.0 / batch,
                        "cpu_ms": (time.process_time() - cpu_start) * 1000.0 / repeats / batch,
                        "peak_rss_bytes": peak_rss_bytes(),
                    }
                )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
