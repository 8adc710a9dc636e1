#!/usr/bin/python3
"""Compute the 2-D layouts atlasplot ships under data/ (never needed to render).

Runs with Debian's /usr/bin/python3, umap-learn and python3-sklearn:
  UMAP:  n_neighbors=15, min_dist=0.1, random_state=42, on the raw pixels / 255
  t-SNE: perplexity=30, on 50 PCA components, init='pca', random_state=42
Each layout is saved as NPY float32 of shape (70000, 2), row i placing image i
(train images first, then t10k), written to a temporary name and renamed.

Usage: scripts/embed.py [--cache DIR] [--out DIR] [--only mnist|fashion] [--method umap|tsne]
Time on a 2-core machine: UMAP ~75 s per data set, t-SNE ~12-15 min per data set.
"""
import argparse, gzip, os, sys, time
import numpy as np


def read_idx_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, n, h, w = np.frombuffer(data[:16], dtype=">u4")
    if magic != 0x803:
        sys.exit(f"embed: '{path}': not an IDX3 ubyte file")
    return np.frombuffer(data[16:16 + n * h * w], dtype=np.uint8).reshape(n, h * w)


def load(name, cache):
    if name == "mnist":
        d, sfx = os.path.join(cache, "mnist"), ""
    else:
        d, sfx = "/usr/share/datasets/fashion-mnist", ".gz"
    parts = [read_idx_images(os.path.join(d, f"{p}-images-idx3-ubyte{sfx}")) for p in ("train", "t10k")]
    return np.concatenate(parts).astype(np.float32) / 255.0


def save(path, xy):
    tmp = path + ".tmp.npy"
    np.save(tmp, np.ascontiguousarray(xy, dtype=np.float32))
    os.replace(tmp, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=os.path.join(here, "..", ".cache"))
    ap.add_argument("--out", default=os.path.join(here, "..", "data"))
    ap.add_argument("--only", choices=["mnist", "fashion"])
    ap.add_argument("--method", choices=["umap", "tsne"])
    a = ap.parse_args()
    for name in [a.only] if a.only else ["mnist", "fashion"]:
        x = load(name, a.cache)
        for method in [a.method] if a.method else ["umap", "tsne"]:
            t0 = time.time()
            print(f"embed: {name} {method} on {x.shape[0]} images ...", flush=True)
            if method == "umap":
                import umap
                xy = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=42).fit_transform(x)
            else:
                from sklearn.decomposition import PCA
                from sklearn.manifold import TSNE
                p = PCA(n_components=50, random_state=42).fit_transform(x)
                xy = TSNE(n_components=2, perplexity=30, init="pca", random_state=42).fit_transform(p)
            out = os.path.join(a.out, f"{name}_{method}.npy")
            save(out, xy)
            print(f"embed: wrote {out} in {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
