"""Bad arguments, inline display, memory over many renders, the C example."""
import os
import resource
import shutil
import subprocess

import numpy as np
import pytest

import atlasplot as ap

from conftest import ROOT, cli_render, data, first_diff, load, png_rgba

IM, XY, LAB = load("syn_gray.npy"), load("syn_xy.npy"), load("syn_labels.npy")


def cli_error(args):
    """The CLI's one-line message (without 'atlasplot: ') for a render that fails."""
    from conftest import AP
    r = subprocess.run([AP, "render", *args, "-o", "/dev/null"], capture_output=True, text=True)
    assert r.returncode != 0
    msg = r.stderr.strip().splitlines()[0].removeprefix("atlasplot: ")
    return msg.removesuffix(" (see 'atlasplot render --help')")


def save(tmp_path, name, a):
    p = tmp_path / name
    np.save(p, a)
    return str(p)


# (what is wrong, images, xy, labels): the same message as the CLI for the same arrays
# saved as NPY files named images/xy/labels
BAD = [
    ("float images", IM.astype(np.float64), XY, None),
    ("2-d images", IM[0], XY, None),
    ("5 channels", np.zeros((64, 4, 4, 5), np.uint8), XY, None),
    ("no images", IM[:0], XY[:0], None),
    ("int layout", IM, XY.astype(np.int64), None),
    ("layout N x 3", IM, np.zeros((64, 3)), None),
    ("layout rows", IM, XY[:10], None),
    ("NaN", IM, np.where(np.arange(128).reshape(64, 2) == 9, np.nan, XY), None),
    ("Inf", IM, np.where(np.arange(128).reshape(64, 2) == 6, -np.inf, XY), None),
    ("huge", IM, np.where(np.arange(128).reshape(64, 2) == 6, 1e20, XY), None),
    ("labels count", IM, XY, LAB[:5]),
    ("float labels", IM, XY, LAB.astype(np.float32)),
    ("2-d labels", IM, XY, LAB.reshape(8, 8)),
    ("negative label", IM, XY, np.where(np.arange(64) == 7, -3, LAB)),
    ("label too large", IM, XY, np.where(np.arange(64) == 7, 2**40, LAB)),
]


@pytest.mark.parametrize("what,im,xy,lab", BAD, ids=[b[0] for b in BAD])
def test_bad_arrays_cli_messages(ap, tmp_path, what, im, xy, lab):
    d = tmp_path / "d"
    d.mkdir()
    args = ["--images", save(d, "images.npy", im), "--layout", save(d, "xy.npy", xy)]
    if lab is not None:
        args += ["--labels", save(d, "labels.npy", lab)]
    # the CLI names the file; the package names the array: compare with the name put back
    msg = cli_error(args)
    for name in ("images", "xy", "labels"):
        msg = msg.replace(f"'{d}/{name}.npy'", f"'{name}'")
    with pytest.raises(ValueError) as e:
        ap.render(im, xy, lab, size=(64, 48))
    assert str(e.value) == msg


OPTS = [
    (["--margin", "11"], dict(margin=11), "--margin '11': expected a number from 0 to 10"),
    (["--alpha", "soft"], dict(alpha="soft"), None),
    (["--color-by", "size"], dict(color_by="size"), None),
    (["--coverage", "all"], dict(coverage="all"), None),
    (["--background", "red"], dict(background="red"), None),
    (["--outline", "none"], dict(outline="none"), None),
    (["--text-color", "12345"], dict(text_color="12345"), None),
    (["--legend", "middle"], dict(legend="middle"), None),
    (["--backend", "vulkan"], dict(backend="vulkan"), None),
    (["--size", "0x10"], dict(size=(0, 10)), None),
    (["--highlight", "x"], dict(highlight="x"), None),
    (["--highlight", "99"], dict(highlight=[99]), None),
    (["--color-by", "label"], dict(color_by="label"), None),       # no labels
    (["--sprite-min", "9", "--sprite-max", "3"], dict(sprite_min=9, sprite_max=3), None),
    (["--threshold", "2"], dict(threshold=2), "--threshold '2': expected a number from 0 to 1"),
    (["--max-memory", "lots"], dict(max_memory="lots"), None),
    (["--max-memory", "1M"], dict(max_memory="1M"), None),
    (["--page-size", "100"], dict(page_size=100), None),
    (["--camera", "0,0,-1"], dict(camera=(0, 0, -1)), "--camera '0,0,-1': expected CX,CY,ZOOM with ZOOM > 0"),
]


@pytest.mark.parametrize("cli,kw,want", OPTS, ids=[" ".join(o[0]) for o in OPTS])
def test_bad_options_cli_messages(ap, cli, kw, want):
    if want is None:
        want = cli_error(["--images", data("syn_gray.npy"), "--layout", data("syn_xy.npy"), *cli])
    with pytest.raises(ValueError) as e:
        ap.render(IM, XY, **kw)
    assert str(e.value) == want


def test_bad_ease_and_align(ap):
    s = ap.Scene(IM, XY, size=(32, 24))
    with pytest.raises(ValueError, match=r"^--ease 'bounce': expected one of linear, quad-in, .*exp-in-out$"):
        s.transition(XY, 0.5, ease="bounce")
    with pytest.raises(ValueError, match=r"^--align 'rigid': expected none or procrustes$"):
        s.transition(XY, 0.5, align="rigid")
    with pytest.raises(ValueError, match=r"^layout 'b': 3 rows, but there are 64 images$"):
        s.transition(XY[:3], 0.5)
    with pytest.raises(ValueError, match=r"^transition: t 2 is not in \[0, 1\]$"):
        s.transition(XY, 2)
    s.close()
    with pytest.raises(ValueError, match="scene: closed"):
        s.render()


def test_missing_file_is_oserror(ap, tmp_path):
    with pytest.raises(OSError) as e:
        ap.render(str(tmp_path / "no.npy"), data("syn_xy.npy"))
    assert str(e.value) == cli_error(["--images", str(tmp_path / "no.npy"), "--layout", data("syn_xy.npy")])
    with pytest.raises(OSError, match="^output '/nonexistent/x.png'"):
        ap.render(IM, XY, size=(16, 16)).save("/nonexistent/x.png")


def test_repr_png(ap, tmp_path):
    img = ap.render(IM, XY, LAB, size=(120, 90), color_by="label")
    b = img._repr_png_()
    assert b[:8] == b"\x89PNG\r\n\x1a\n"
    assert first_diff(png_rgba(b), np.asarray(img)) is None
    img.save(tmp_path / "a.png")
    assert first_diff(png_rgba((tmp_path / "a.png").read_bytes()), np.asarray(img)) is None
    want = cli_render(["--images", data("syn_gray.npy"), "--layout", data("syn_xy.npy"), "--labels",
                       data("syn_labels.npy"), "--size", "120x90", "--color-by", "label"])
    assert first_diff(png_rgba(b), want) is None


def test_images_borrowed_not_kept(ap):
    """The scene does not need the images after it is made."""
    im = IM.copy()
    s = ap.Scene(im, XY, size=(64, 48))
    a = np.asarray(s.render()).copy()
    im[:] = 0
    del im
    assert first_diff(np.asarray(s.render()), a) is None


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_no_leak_over_1000_renders(ap):
    for _ in range(50):
        ap.render(IM, XY, LAB, size=(64, 48), color_by="label", title="t")
    before = rss_kib()
    for _ in range(1000):
        ap.render(IM, XY, LAB, size=(64, 48), color_by="label", title="t")
    grown = rss_kib() - before
    # a scene here holds about 100 KiB (atlas page, frame, text layout): 1000 leaked
    # ones would be 100 MB
    assert grown < 8 * 1024, f"RSS grew by {grown} KiB over 1000 renders"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_c_example_against_install(tmp_path):
    if not shutil.which("pkg-config"):
        pytest.skip("no pkg-config")
    stage, prefix = tmp_path / "stage", "/opt/ap"
    subprocess.run(["make", "--no-print-directory", "-s", "-C", ROOT, "install", f"DESTDIR={stage}",
                    f"PREFIX={prefix}"], check=True, capture_output=True)
    root = f"{stage}{prefix}"
    env = dict(os.environ, PKG_CONFIG_PATH=f"{root}/lib/pkgconfig", PKG_CONFIG_SYSROOT_DIR=str(stage))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "atlasplot"], env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    assert f"-I{root}/include" in flags and "-latlasplot" in flags
    exe = tmp_path / "example"
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", os.path.join(ROOT, "doc", "example.c"),
                    *flags, "-lm", "-o", str(exe)], check=True)
    subprocess.run([str(exe), str(tmp_path / "ex")], env=dict(os.environ, LD_LIBRARY_PATH=f"{root}/lib"),
                   check=True)
    # the example's scene, built again here: the same pixels through Python
    n, s = 400, 16
    i = np.arange(n)
    a = 2 * np.pi * i / n
    r = 1 + 0.3 * np.sin(5 * a)
    ring = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    grid = np.stack([i % 40, -(i // 40)], 1).astype(np.float64)
    yy, xx = np.mgrid[0:s, 0:s]
    d2 = (xx - s // 2) ** 2 + (yy - s // 2) ** 2
    pix = np.where(d2[None] < (9 + i % 40)[:, None, None], 255, 0).astype(np.uint8)
    labels = (i * 10 // n).astype(np.int32)
    opts = dict(size=(640, 480), color_by="label", title="Blobs on a ring", legend="auto",
                label_names="a,b,c,d,e,f,g,h,i,j")
    still = png_rgba((tmp_path / "ex.png").read_bytes())
    assert still.shape == (480, 640, 4)
    assert np.array_equal(still, np.asarray(ap.render(pix, ring, labels, **opts)))
    with ap.Scene(pix, ring, labels, **opts) as sc:
        mid = sc.transition(grid, 0.5, stagger=0.5, stagger_by="label")
    t50 = png_rgba((tmp_path / "ex_t50.png").read_bytes())
    assert np.array_equal(t50, np.asarray(mid)) and not np.array_equal(t50, still)
    pdf = (tmp_path / "ex.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "ex.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Blobs on a ring" in text
    # the installed package, on the installed library, gives the same pixels
    r = subprocess.run(["/usr/bin/python3", "-c", "import atlasplot, sys; print(atlasplot._lib.path)"],
                       env=dict(os.environ, PYTHONPATH=f"{root}/lib/python3/dist-packages"), capture_output=True,
                       text=True, check=True, cwd=str(tmp_path))
    assert r.stdout.strip().startswith(f"{root}/lib/python3/dist-packages/atlasplot/")
    # only the API is exported
    syms = subprocess.run(["nm", "-D", "--defined-only", f"{root}/lib/libatlasplot.so.0"], capture_output=True,
                          text=True, check=True).stdout.split()
    names = [s for s in syms if s.startswith("ap_") or s.endswith("_open")]
    assert names and all(s.startswith("ap_") for s in names), names
    assert "frames_open" not in syms and "draw_open" not in syms
