#!/usr/bin/python3
"""Make the small synthetic data sets under tests/data/ (committed; rerun only to change them).

Deterministic: every value is a formula of the index, no random generator.
"""
import os
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
os.makedirs(out, exist_ok=True)


def glyph(i, n=16):
    """A ring whose radius depends on i, a bar whose angle depends on i, a top-left marker."""
    y, x = np.mgrid[0:n, 0:n] + 0.5
    c = n / 2
    r = np.hypot(x - c, y - c)
    rad = 3 + (i % 4)
    img = np.where(np.abs(r - rad) < 1.0, 255, 0)
    a = np.pi * (i % 8) / 8
    d = np.abs((x - c) * np.sin(a) - (y - c) * np.cos(a))
    img = np.maximum(img, np.where((d < 0.8) & (r < rad), 160 + (i * 7) % 96, 0))
    img[0:3, 0:3] = 200          # top-left marker: orientation is visible
    return img.astype(np.uint8)


n = 64
gray = np.stack([glyph(i) for i in range(n)])
np.save(os.path.join(out, "syn_gray.npy"), gray)
xy = np.array([[(i % 8) * 10 + (i * 3 % 5) * 0.7, (i // 8) * 10 + (i * 7 % 5) * 0.6] for i in range(n)], np.float64)
np.save(os.path.join(out, "syn_xy.npy"), xy)
np.save(os.path.join(out, "syn_labels.npy"), np.array([i % 5 for i in range(n)], np.int64))
# a second layout: the grid rotated a quarter turn and stretched (for transitions)
np.save(os.path.join(out, "syn_xy_b.npy"), np.stack([-xy[:, 1] * 3, xy[:, 0] * 3], 1))
with open(os.path.join(out, "syn_xy.csv"), "w") as f:
    f.write("x,y,label\n")
    for i in range(n):
        f.write("%r,%r,%d\n" % (float(xy[i, 0]), float(xy[i, 1]), i % 5))

m = 16
y, x = np.mgrid[0:12, 0:12] + 0.5
rgb = np.zeros((m, 12, 12, 3), np.uint8)
rgba = np.zeros((m, 12, 12, 4), np.uint8)
for i in range(m):
    rgb[i, :, :, 0] = (x * 20 + i * 9) % 256
    rgb[i, :, :, 1] = (y * 20 + i * 5) % 256
    rgb[i, :, :, 2] = (i * 15) % 256
    rgba[i, :, :, :3] = rgb[i]
    rgba[i, :, :, 3] = np.clip(255 - np.hypot(x - 6, y - 6) * 40, 0, 255).astype(np.uint8)
np.save(os.path.join(out, "syn_rgb.npy"), rgb)
np.save(os.path.join(out, "syn_rgba.npy"), rgba)
np.save(os.path.join(out, "syn_xy16.npy"), np.array([[(i % 4) * 15.0, (i // 4) * 15.0] for i in range(m)]))
wide = np.zeros((m, 8, 16), np.uint8)
for i in range(m):
    wide[i, 1:7, 1:15] = 100 + i * 9
    wide[i, 0:2, 0:2] = 255
np.save(os.path.join(out, "syn_wide.npy"), wide)
