#!/usr/bin/python3
"""The benchmark's baseline: the straightforward numpy way to draw the same scenes.

Each digit is pre-scaled once to S×S (PIL, box filter), then every frame pastes all
sprites at their rounded positions with one vectorised assignment per texel offset
(S×S assignments of up to 70,000 pixels each; texels below 128 transparent) and saves a
gray PNG with PIL (compress_level 1).
The overview_* scenes (discs, opacity, blend) are overview8's here: numpy draws the images.
Usage: bench_numpy.py SCENE OUTDIR  (scenes as in bench.py). Prints 'baseline fps=...'.
"""
import os, sys, time
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")


def idx_images(path):
    data = open(path, "rb").read()
    n, h, w = np.frombuffer(data[4:16], dtype=">u4")
    return np.frombuffer(data[16:], np.uint8).reshape(n, h, w)


def fit(xy, w, h, margin=0.05):
    lo, hi = xy.min(0), xy.max(0)
    size = (hi - lo) * (1 + 2 * margin)
    s0 = min(w / size[0], h / size[1])
    return (lo + hi) / 2, s0


def ease(t):
    t = t * 2
    return t * t * t / 2 if t <= 1 else ((t - 2) ** 3 + 2) / 2


def main():
    scene, outdir = sys.argv[1], sys.argv[2]
    t_start = time.time()
    m = os.path.join(root, ".cache", "mnist")
    imgs = np.concatenate([idx_images(os.path.join(m, "train-images-idx3-ubyte")),
                           idx_images(os.path.join(m, "t10k-images-idx3-ubyte"))])
    a = np.load(os.path.join(root, "data", "mnist_umap.npy")).astype(np.float64)
    b = np.load(os.path.join(root, "data", "mnist_tsne.npy")).astype(np.float64) if scene.startswith("transition") else a
    W, H = (3840, 2160) if scene == "transition4k" else (1920, 1080)
    S = {"overview8": 8, "overview16": 16, "zoom": 8 * 8 ** 0.5}.get(scene, 8)
    S = int(round(S))
    zoom = 8 if scene == "zoom" else 1
    frames = (60 if scene == "transition60" else 120 if scene.startswith("transition")
              else 1 if scene.startswith("still") else 10)
    sprites = np.stack([np.asarray(Image.fromarray(d).resize((S, S), Image.BOX)) for d in imgs])
    texel = sprites.reshape(len(sprites), S * S).T.copy()     # one row per texel offset
    drawn = texel >= 128
    enc = comp = 0.0
    for k in range(frames):
        t = ease(k / (frames - 1)) if frames > 1 else 0
        xy = a + (b - a) * t
        c, s0 = fit(xy, W, H)
        if scene == "zoom":
            c = np.median(a[:6000], 0)
        s = s0 * zoom
        t0 = time.time()
        px = np.floor(W / 2 + (xy[:, 0] - c[0]) * s - S / 2 + 0.5).astype(np.int64)
        py = np.floor(H / 2 - (xy[:, 1] - c[1]) * s - S / 2 + 0.5).astype(np.int64)
        keep = (px > -S) & (px < W) & (py > -S) & (py < H)
        # one vectorised assignment per texel offset: all sprites' texel (dy, dx) at once,
        # later sprites winning within each offset (close enough to "later on top")
        W2 = W + 2 * S
        canvas = np.zeros((H + 2 * S) * W2, np.uint8)
        base = (py + S) * W2 + (px + S)
        allin = keep.all()
        for o in range(S * S):
            m = drawn[o] if allin else drawn[o] & keep
            canvas[base[m] + ((o // S) * W2 + o % S)] = texel[o][m]
        frame = canvas.reshape(H + 2 * S, W2)[S:S + H, S:S + W]
        t1 = time.time()
        Image.fromarray(np.ascontiguousarray(frame)).save(os.path.join(outdir, "b_%05d.png" % k), compress_level=1)
        t2 = time.time()
        comp += t1 - t0
        enc += t2 - t1
    wall = time.time() - t_start
    print("baseline frames=%d render_ms=%.2f encode_ms=%.2f wall_s=%.3f fps=%.2f"
          % (frames, comp * 1e3 / frames, enc * 1e3 / frames, wall, frames / wall))


if __name__ == "__main__":
    main()
