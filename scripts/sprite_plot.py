#!/usr/bin/python3
"""doc/sprite_modes.png: the sprite side S against the zoom for each --sprite-mode, both
axes logarithmic, drawn by atlasplot itself from its own numbers: `atlasplot info
--sprite-table` gives S for every mode at 16 zooms a doubling; each (zoom, S) becomes a
dot placed at (log2 zoom, log2 S), and `atlasplot render` draws the dots, a grid, the
legend and the texts. Deterministic (the same bytes each run).
Usage: scripts/sprite_plot.py [OUT.png] [ATLASPLOT]   (defaults doc/sprite_modes.png, ./atlasplot)
"""
import os, shutil, subprocess, sys, tempfile
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "doc/sprite_modes.png"
ap = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "./atlasplot")
BASE = 8                          # --sprite: S at zoom 1
SMAX = 512                        # the plot's top, px
TAB10 = [(0x1f, 0x77, 0xb4), (0xff, 0x7f, 0x0e), (0x2c, 0xa0, 0x2c)]   # the legend's label colours
GRID = (0xa0, 0xa0, 0xa0)
AXIS = (0x30, 0x30, 0x30)
# y is squeezed so that the 12 doublings of zoom and the 9 of S fill a 2:1 frame
YS = 0.6

with tempfile.TemporaryDirectory() as tmp:
    one = os.path.join(tmp, "one.npy")
    np.save(one, np.zeros((1, 1, 1), np.uint8))
    text = subprocess.run([ap, "info", "--images", one, "--sprite", str(BASE), "--sprite-max", "1024",
                           "--sprite-table"], check=True, capture_output=True, text=True).stdout
    rows = [l.split() for l in text.splitlines() if l and not l.startswith("#")]
    head, rows = rows[0], [[float(v) for v in r] for r in rows[1:]]
    modes = head[1:]
    assert modes == ["power", "asinh", "constant"], modes

    # dots: the grid first (1 texel of a 3x3 sprite, blended: a thin line), the curves on top
    pts, imgs, labels = [], [], []

    def dot(x, y, rgb, thin, label):
        im = np.zeros((3, 3, 4), np.uint8)
        if thin:
            im[1, 1] = rgb + (255,)
        else:
            im[:, :] = rgb + (255,)
        pts.append((x, y))
        imgs.append(im)
        labels.append(label)

    z0, z1 = np.log2(rows[0][0]), np.log2(rows[-1][0])
    for k in range(int(z0), int(z1) + 1, 2):       # zoom 1/4, 1, 4, ... 1024
        for y in np.arange(0, np.log2(SMAX) * YS + 1e-9, 1 / 32):
            dot(k, y, AXIS if k == 0 else GRID, True, 2)
    for e in range(0, int(np.log2(SMAX)) + 1, 2):  # S 1, 4, 16, 64, 256
        for x in np.arange(z0, z1 + 1e-9, 1 / 32):
            dot(x, e * YS, AXIS if e == 0 else GRID, True, 2)
    for r in rows:
        for m in range(len(modes)):
            s = r[1 + m]
            if s <= SMAX:
                dot(np.log2(r[0]), np.log2(s) * YS, TAB10[m], False, m)

    np.save(os.path.join(tmp, "dots.npy"), np.stack(imgs))
    with open(os.path.join(tmp, "dots.csv"), "w") as f:
        f.write("x,y,label\n")
        for (x, y), l in zip(pts, labels):
            f.write("%.6f,%.6f,%d\n" % (x, y, l))
    # run in the folder, named plainly, so the PNG's Command text is the same every run
    subprocess.run(["atlasplot", "render", "--images", "dots.npy", "--layout", "dots.csv", "--size", "640x320", "--margin", "0.1",
                    "--sprite", "3", "--sprite-growth", "0", "--alpha", "blend", "--background", "ffffff", "--legend", "top-left",
                    "--label-names", "power (growth 0.5),asinh,constant", "--font-size", "12",
                    "--title", "sprite side S against zoom, --sprite %d" % BASE,
                    "--caption", "log axes: zoom 1/4 to 1024 across, S 1 to 512 px up; "
                    "grid every x4, darker at zoom 1 and S = 1",
                    "-o", "sprite_modes.png"], check=True, executable=ap, cwd=tmp)
    shutil.copyfile(os.path.join(tmp, "sprite_modes.png"), out)
print(out)
