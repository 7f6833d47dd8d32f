#!/usr/bin/env python3
"""Share of an image's spectral energy on the grid of period 4 and 2 pixels (per mille).

A regular crosshatch locked to a network's stride-4 grid shows as sharp peaks at 1/4 and 1/2
cycles per pixel along the axes and diagonals. This sums the power within 0.006 cycles/pixel of
those eight frequencies (Hann-windowed luma, mean removed) over the total. Needs ffmpeg and numpy.

    python3 docs/loss-networks/grid-energy.py out1.png out2.png ...
"""
import subprocess
import sys

import numpy as np


def luma(path):
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True).stdout.strip().split(",")
    w, h = int(probe[0]), int(probe[1])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(h, w).astype(float)


def grid_share(g):
    h, w = (g.shape[0] // 8) * 8, (g.shape[1] // 8) * 8
    g = g[:h, :w] - g[:h, :w].mean()
    power = np.abs(np.fft.fft2(g * np.outer(np.hanning(h), np.hanning(w)))) ** 2
    power[0, 0] = 0
    fy = np.abs(np.fft.fftfreq(h))[:, None]
    fx = np.abs(np.fft.fftfreq(w))[None, :]
    peaks = np.zeros_like(power, dtype=bool)
    for a in (0, 0.25, 0.5):
        for b in (0, 0.25, 0.5):
            if a or b:
                peaks |= (np.abs(fy - a) < 0.006) & (np.abs(fx - b) < 0.006)
    return power[peaks].sum() / power.sum()


for path in sys.argv[1:]:
    print(f"{1000 * grid_share(luma(path)):7.2f}  {path}")
