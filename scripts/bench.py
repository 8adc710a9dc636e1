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
Scene collection (not in the default list: it writes a folder of BENCH_COLLECTION JPEGs,
default 20000, with scripts/make_collection.py --jpeg, about 100 MB and a minute, and its
cache entry is some 700 MB): a 1080p still of the folder's manifest, rendered twice into
an empty --cache per run (first: decodes, builds, writes the entry; second: maps it),
then 4 stills at once on the warm cache, each a quarter of the view, and the most memory
they held at once: resident (Rss, summed) and proportional (Pss, summed: shared pages
counted once), polled from /proc:
  bench collection first_s=... second_s=... ratio=... shards_s=... shards_rss_mb=... shards_pss_mb=...
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


def run_polled(cmds):
    """Run the commands at once; their wall time (all done), their outputs, and the
    largest sums over them of Rss and of Pss (MB) that one poll of their
    /proc/PID/smaps_rollup saw: pages they share count once in the Pss sum."""
    t0 = time.monotonic()
    ps = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for c in cmds]
    peak = [0.0, 0.0]
    while any(p.poll() is None for p in ps):
        now = [0.0, 0.0]
        for p in ps:
            try:
                with open("/proc/%d/smaps_rollup" % p.pid) as f:
                    for line in f:
                        for j, name in enumerate(("Rss:", "Pss:")):
                            if line.startswith(name):
                                now[j] += int(line.split()[1]) / 1024.0
            except OSError:
                pass
        peak = [max(peak[j], now[j]) for j in range(2)]
        time.sleep(0.002)
    wall = time.monotonic() - t0
    outs = []
    for p in ps:
        outs.append(p.stdout.read().decode())
        if p.wait() != 0:
            sys.exit("bench: a shard failed:\n" + outs[-1])
    return wall, outs, peak


def collection():
    n = int(os.environ.get("BENCH_COLLECTION", "20000"))
    d = tempfile.mkdtemp(prefix="apbench_col")
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(here, "make_collection.py"), d, str(n), "--jpeg"],
                       check=True, stdout=subprocess.DEVNULL)
        mani = os.path.join(d, "manifest.csv")
        backend = ["--backend", os.environ["BENCH_BACKEND"]] if os.environ.get("BENCH_BACKEND") else []
        def still(cache, out, extra=()):
            return [AP, "render", "--manifest", mani, "--cache", cache, "-o", out, "-v"] + list(extra) + backend
        firsts, seconds = [], []
        for _ in range(RUNS):
            cache, tmp = tempfile.mkdtemp(prefix="apbench_cc"), tempfile.mkdtemp(prefix="apbench")
            try:
                text, _, first = run(still(cache, tmp + "/a.png"))
                text, _, second = run(still(cache, tmp + "/b.png"))
                if "no image read" not in text or "from the cache" not in text:
                    sys.exit("bench: the second run did not use the cache:\n" + text)
                firsts.append(first)
                seconds.append(second)
            finally:
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(tmp, ignore_errors=True)
        # 4 shards on one warm entry: a quarter of the view each
        cache, tmp = tempfile.mkdtemp(prefix="apbench_cc"), tempfile.mkdtemp(prefix="apbench")
        try:
            run(still(cache, tmp + "/w.png"))
            cams = ["%g,%g,2" % (x, y) for x in (-0.7, 0.7) for y in (-0.7, 0.7)]
            wall, outs, peak = run_polled([still(cache, "%s/s%d.png" % (tmp, k), ["--camera", c])
                                           for k, c in enumerate(cams)])
            if sum("from the cache" in o for o in outs) != 4:
                sys.exit("bench: not every shard mapped the entry:\n" + "\n".join(outs))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(tmp, ignore_errors=True)
        f, sec = statistics.median(firsts), statistics.median(seconds)
        rss, pss = peak
        print("%-13s %d JPEGs: first render %.2f s, second %.3f s with the cache: %.1fx (median of %d runs)"
              % ("collection", n, f, sec, f / sec, RUNS))
        print("%-13s 4 shards at once on the warm entry: %.3f s; at most Rss %.0f MB, Pss %.0f MB together"
              % ("", wall, rss, pss), flush=True)
        return ("bench collection first_s=%.3f second_s=%.3f ratio=%.1f shards_s=%.3f shards_rss_mb=%.0f "
                "shards_pss_mb=%.0f" % (f, sec, f / sec, wall, rss, pss))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    scenes = sys.argv[1:] or SCENES
    have_tsne = os.path.exists(os.path.join(root, "data", "mnist_tsne.npy"))
    lines = []
    for scene in scenes:
        if scene == "collection":
            lines.append(collection())
            continue
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
