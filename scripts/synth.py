#!/usr/bin/python3
"""A synthetic data set for scale tests: N gray glyphs of SxS pixels (NPY uint8) and a
layout (NPY float32 Nx2, points on a noisy spiral), deterministic.
Usage: scripts/synth.py N S OUT_PREFIX   ->  OUT_PREFIX_images.npy, OUT_PREFIX_xy.npy
"""
import sys
import numpy as np

n, s, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
imgs = np.lib.format.open_memmap(out + "_images.npy", mode="w+", dtype=np.uint8, shape=(n, s, s))
y, x = np.mgrid[0:s, 0:s] + 0.5
r = np.hypot(x - s / 2, y - s / 2)
for start in range(0, n, 10000):
    i = np.arange(start, min(n, start + 10000))
    rad = (2 + (i % 5))[:, None, None] * s / 16
    imgs[start:start + len(i)] = np.where(np.abs(r[None] - rad) < s / 12, 255, 40 + (i % 7)[:, None, None] * 20)
imgs.flush()
t = np.sqrt(np.arange(n) / n) * 12 * np.pi
rng = np.random.default_rng(0)
xy = np.stack([t * np.cos(t), t * np.sin(t)], 1) + rng.normal(0, 1.5, (n, 2))
np.save(out + "_xy.npy", xy.astype(np.float32))
