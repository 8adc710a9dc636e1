#!/usr/bin/python3
"""make bench: atlasplot against a numpy baseline on MNIST 70,000, 1920x1080 unless said.

Scenes: overview8, overview16 (stills, 10 frames of the fitted view), zoom (x8 into one
cluster), transition (120 frames UMAP -> t-SNE written as PNGs), transition4k (the same
at 3840x2160), still (one 1080p overview frame, 8 px, a cold start: no cache),
still_warm (the same with a warm --cache, made once before the runs), transition60 (60
frames), overview_dots (overview8 with --dots-below 16: every sprite a disc),
overview_fade (--dots-below 6: 8 px sprites cross-fading, 0.58 disc), overview_blend
(overview8 with --alpha blend) and overview_opacity (the same with --opacity auto). Each is run RUNS times (env BENCH_RUNS, default 3) and every figure is the
median: frames/s end to end (whole process, load included, PNGs on disk), render-only
ms/frame, encode ms/frame, peak RSS (getrusage of the child). Ends with one line per scene:
  bench SCENE fps=... render_ms=... encode_ms=... rss_mb=... baseline_fps=... speedup=... proc_s=...
(proc_s: the whole process, start to exit, median; baseline_proc_s the numpy one's).
Usage: scripts/bench.py [SCENE...] (env BENCH_BACKEND picks --backend).
"""
import os, re, shutil, statistics, subprocess, sys, tempfile, time
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, ".."))
M = os.path.join(root, ".cache", "mnist")
AP = os.path.join(root, "atlasplot")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SCENES = ["overview8", "overview16", "zoom", "transition", "transition4k", "still", "still_warm", "transition60",
          "overview_dots", "overview_fade", "overview_blend", "overview_opacity"]
# overview8 with the options each of these adds
OVERVIEW_OPTS = {"overview_dots": ["--dots-below", "16"], "overview_fade": ["--dots-below", "6"],
                 "overview_blend": ["--alpha", "blend"], "overview_opacity": ["--alpha", "blend", "--opacity", "auto"]}
CACHE = tempfile.mkdtemp(prefix="apbench_cache")


def run(cmd):
    """Run, return (stdout+stderr text, peak RSS in MB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read().decode()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd[:3]), out))
    return out, ru.ru_maxrss / 1024.0, time.monotonic() - t0


def stats(text, prefix):
    m = re.search(prefix + r" frames=(\d+) render_ms=([\d.]+) encode_ms=([\d.]+) wall_s=([\d.]+) fps=([\d.]+)", text)
    if not m:
        sys.exit("bench: no stats line in:\n" + text)
    return dict(frames=int(m.group(1)), render_ms=float(m.group(2)), encode_ms=float(m.group(3)), fps=float(m.group(5)))


def atlasplot_cmd(scene, out):
    data = ["--images", M + "/train-images-idx3-ubyte", "--images", M + "/t10k-images-idx3-ubyte"]
    backend = ["--backend", os.environ["BENCH_BACKEND"]] if os.environ.get("BENCH_BACKEND") else []
    a = np.load(os.path.join(root, "data", "mnist_umap.npy")).astype(np.float64)
    lo, hi = a.min(0), a.max(0)
    cx, cy = (lo + hi) / 2
    if scene in ("still", "still_warm"):
        cache = ["--cache", CACHE] if scene == "still_warm" else []
        return [AP, "render"] + data + ["--layout", root + "/data/mnist_umap.npy", "--sprite", "8",
                                        "-o", out + "/f_000.png", "-v"] + cache + backend
    if scene in ("overview8", "overview16") or scene in OVERVIEW_OPTS:
        cams = sum([["--camera", "%.17g,%.17g,1" % (cx, cy)] for _ in range(10)], [])
        side = scene[8:] if scene in ("overview8", "overview16") else "8"
        return [AP, "render"] + data + ["--layout", root + "/data/mnist_umap.npy", "--sprite", side,
                                        "-o", out + "/f_%03d.png", "-v"] + cams + OVERVIEW_OPTS.get(scene, []) + backend
    if scene == "zoom":
        c = np.median(a[:6000], 0)
        cams = sum([["--camera", "%.17g,%.17g,8" % (c[0], c[1])] for _ in range(10)], [])
        return [AP, "render"] + data + ["--layout", root + "/data/mnist_umap.npy", "--sprite", "8",
                                        "-o", out + "/f_%03d.png", "-v"] + cams + backend
    size = ["--size", "3840x2160"] if scene == "transition4k" else []
    frames = "60" if scene == "transition60" else "120"
    return [AP, "animate"] + data + ["--from", root + "/data/mnist_umap.npy", "--to", root + "/data/mnist_tsne.npy",
                                     "--frames", frames, "--sprite", "8", "-o", out + "/f_%05d.png", "-v"] + size + backend


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    scenes = sys.argv[1:] or SCENES
    have_tsne = os.path.exists(os.path.join(root, "data", "mnist_tsne.npy"))
    lines = []
    for scene in scenes:
        if scene.startswith("transition") and not have_tsne:
            print("bench %s skipped: data/mnist_tsne.npy missing (scripts/embed.py)" % scene)
            continue
        ours, base = [], []
        if scene == "still_warm":
            tmp = tempfile.mkdtemp(prefix="apbench")
            run(atlasplot_cmd(scene, tmp))       # makes the entry
            shutil.rmtree(tmp)
        for _ in range(RUNS):
            tmp = tempfile.mkdtemp(prefix="apbench")
            try:
                text, rss, sec = run(atlasplot_cmd(scene, tmp))
                st = stats(text, "atlasplot: stats")
                st["rss"], st["proc"] = rss, sec
                ours.append(st)
                shutil.rmtree(tmp)
                os.mkdir(tmp)
                text, rss, sec = run(["/usr/bin/python3", os.path.join(here, "bench_numpy.py"), scene, tmp])
                st = stats(text, "baseline")
                st["rss"], st["proc"] = rss, sec
                base.append(st)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        fps, bfps = median_of(ours, "fps"), median_of(base, "fps")
        print("%-13s atlasplot: %6.2f frames/s, render %7.2f ms/frame, encode %6.2f ms/frame, peak RSS %6.1f MB"
              % (scene, fps, median_of(ours, "render_ms"), median_of(ours, "encode_ms"), median_of(ours, "rss")))
        print("%-13s numpy:     %6.2f frames/s, render %7.2f ms/frame, encode %6.2f ms/frame, peak RSS %6.1f MB"
              % ("", bfps, median_of(base, "render_ms"), median_of(base, "encode_ms"), median_of(base, "rss")))
        print("%-13s speed-up over numpy: %.2fx (median of %d runs); whole process %.3f s, numpy %.3f s"
              % ("", fps / bfps, RUNS, median_of(ours, "proc"), median_of(base, "proc")), flush=True)
        lines.append("bench %s fps=%.2f render_ms=%.2f encode_ms=%.2f rss_mb=%.1f baseline_fps=%.2f speedup=%.2f "
                     "proc_s=%.3f baseline_proc_s=%.3f"
                     % (scene, fps, median_of(ours, "render_ms"), median_of(ours, "encode_ms"),
                        median_of(ours, "rss"), bfps, fps / bfps, median_of(ours, "proc"), median_of(base, "proc")))
    shutil.rmtree(CACHE, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
