"""The package draws the CLI's pixels for the same options."""
import subprocess

import numpy as np
import pytest

from conftest import cli_animate_raw, cli_render, data, first_diff, load

GRAY, XY, LAB = "syn_gray.npy", "syn_xy.npy", "syn_labels.npy"

# (CLI options, the package's keywords), on the 64 gray images unless images= is given
SCENES = [
    ([], {}),
    (["--color-by", "label", "--highlight", "3,17,42"], dict(color_by="label", highlight=[3, 17, 42])),
    (["--camera", "0.5,-0.25,3", "--sprite", "20"], dict(camera=(0.5, -0.25, 3), sprite=20)),
    (["--alpha", "blend", "--background", "none"], dict(alpha="blend", background="none")),
    (["--alpha", "opaque", "--background", "ffffff", "--margin", "0.2", "--coverage", "plain"],
     dict(alpha="opaque", background="ffffff", margin=0.2, coverage="plain")),
    (["--threshold", "0.3", "--sprite-growth", "1", "--sprite-min", "4", "--camera", "0,0,2"],
     dict(threshold=0.3, sprite_growth=1, sprite_min=4, camera=(0, 0, 2))),
    (["--highlight", "label=2", "--highlight-scale", "3", "--outline", "ff0000"],
     dict(highlight="label=2", highlight_scale=3, outline="ff0000")),
    (["--camera", "500,-500,3", "--clamp-camera"], dict(camera=(500, -500, 3), clamp_camera=True)),
    (["--camera", "30,30,0.2", "--clamp-camera"], dict(camera=(30, 30, 0.2), clamp_camera=True)),
    (["--sprite-mode", "asinh", "--camera", "30,30,6"], dict(sprite_mode="asinh", camera=(30, 30, 6))),
    (["--sprite-mode", "constant", "--sprite", "12", "--camera", "20,20,4"],
     dict(sprite_mode="constant", sprite=12, camera=(20, 20, 4))),
    (["--dots-below", "40", "--color-by", "label"], dict(dots_below=40, color_by="label")),
    (["--dots-below", "16", "--dots-fade", "3", "--alpha", "blend", "--opacity", "auto"],
     dict(dots_below=16, dots_fade=3, alpha="blend", opacity="auto")),
    (["--dots-below", "30", "--opacity", "0.4", "--highlight", "5"], dict(dots_below=30, opacity=0.4, highlight=[5])),
]


@pytest.mark.parametrize("cli,kw", SCENES, ids=[" ".join(c) or "defaults" for c, _ in SCENES])
def test_same_pixels_as_cli(ap, cli, kw):
    want = cli_render(["--images", data(GRAY), "--layout", data(XY), "--labels", data(LAB),
                       "--size", "320x240", "--backend", "cpu", *cli])
    got = ap.render(load(GRAY), load(XY), load(LAB), size=(320, 240), backend="cpu", **kw)
    assert isinstance(got, np.ndarray) and got.shape == (240, 320, 4) and got.dtype == np.uint8
    assert first_diff(np.asarray(got), want) is None, first_diff(np.asarray(got), want)


@pytest.mark.parametrize("imgs", ["syn_rgb.npy", "syn_rgba.npy"])
def test_colour_images(ap, imgs):
    want = cli_render(["--images", data(imgs), "--layout", data("syn_xy16.npy"), "--labels",
                       data("syn_labels16.npy"), "--size", "200x150", "--backend", "cpu", "--color-by", "label"])
    got = ap.render(load(imgs), load("syn_xy16.npy"), load("syn_labels16.npy"), size=(200, 150),
                    color_by="label")
    assert first_diff(np.asarray(got), want) is None


def test_text_layer(ap):
    args = ["--title", "Digits", "--legend", "--label-names", "zero,one,two,three,four,five,six,seven"]
    want = cli_render(["--images", data(GRAY), "--layout", data(XY), "--labels", data(LAB),
                       "--size", "480x320", "--backend", "cpu", "--color-by", "label", *args])
    names = "zero,one,two,three,four,five,six,seven".split(",")
    got = ap.render(load(GRAY), load(XY), load(LAB), size=(480, 320), color_by="label", title="Digits",
                    legend=True, label_names=names[:int(load(LAB).max()) + 1])
    assert first_diff(np.asarray(got), want) is None


def test_arrays_converted(ap):
    """float32 layouts, int32 labels, non-contiguous images and a Fortran-order layout
    give the same frame as the files."""
    want = cli_render(["--images", data(GRAY), "--layout", data(XY), "--labels", data(LAB),
                       "--size", "160x120", "--color-by", "label"])
    im = np.ascontiguousarray(np.repeat(load(GRAY)[..., None], 2, axis=3))[..., 0]   # a strided view
    assert not im.flags.c_contiguous
    got = ap.render(im, np.asfortranarray(load(XY)), load(LAB).astype(np.int32), size=(160, 120),
                    color_by="label")
    assert first_diff(np.asarray(got), want) is None
    xy32 = load(XY).astype(np.float32)
    np.save_path = None
    got32 = ap.render(load(GRAY), xy32, size=(160, 120))
    want32 = ap.render(load(GRAY), xy32.astype(np.float64), size=(160, 120))
    assert first_diff(np.asarray(got32), np.asarray(want32)) is None


def test_files_as_cli(ap):
    want = cli_render(["--images", data(GRAY), "--layout", data("syn_xy.csv"), "--size", "160x120"])
    got = ap.render(data(GRAY), data("syn_xy.csv"), size=(160, 120))
    assert first_diff(np.asarray(got), want) is None


def test_scene_many_cameras(ap):
    with ap.Scene(load(GRAY), load(XY), load(LAB), size=(160, 120), color_by="label") as s:
        for cam in [(0, 0, 1), (0.3, 0.1, 4), None]:
            opt = [] if cam is None else ["--camera", ",".join(map(str, cam))]
            want = cli_render(["--images", data(GRAY), "--layout", data(XY), "--labels", data(LAB),
                               "--size", "160x120", "--color-by", "label", *opt])
            assert first_diff(np.asarray(s.render(camera=cam)), want) is None


@pytest.mark.parametrize("align", ["none", "procrustes"])
def test_transition_as_animate(ap, align):
    w, h, n = 160, 120, 5
    want = cli_animate_raw(["--images", data(GRAY), "--from", data(XY), "--to", data("syn_xy_b.npy"),
                            "--frames", str(n), "--ease", "quad-in-out", "--align", align, "--backend", "cpu"],
                           w, h)
    assert want.shape[0] == n
    got = list(ap.animate(load(GRAY), load(XY), load("syn_xy_b.npy"), frames=n, ease="quad-in-out",
                          align=align, size=(w, h)))
    assert len(got) == n
    for k in range(n):
        assert first_diff(np.asarray(got[k]), want[k]) is None, f"frame {k}"
    s = ap.Scene(load(GRAY), load(XY), size=(w, h))
    b = load("syn_xy_b.npy")
    assert first_diff(np.asarray(s.transition(b, 0.5, ease="quad-in-out", align=align)), want[2]) is None
    # a still after a transition is fitted to A again
    want0 = cli_render(["--images", data(GRAY), "--layout", data(XY), "--size", f"{w}x{h}"])
    assert first_diff(np.asarray(s.render()), want0) is None


def test_animate_writes_folder(ap, tmp_path):
    frames = list(ap.animate(load(GRAY), load(XY), load("syn_xy_b.npy"), frames=3, size=(80, 60),
                             out=tmp_path / "f"))
    names = sorted(p.name for p in (tmp_path / "f").iterdir())
    assert names == ["frame_0000.png", "frame_0001.png", "frame_0002.png"]
    from conftest import png_rgba
    assert first_diff(png_rgba((tmp_path / "f" / "frame_0002.png").read_bytes()), np.asarray(frames[2])) is None


def test_osmesa_small_scene(ap):
    try:
        got = ap.render(load(GRAY), load(XY), size=(96, 64), backend="osmesa")
    except ValueError as e:
        pytest.skip(f"no osmesa here: {e}")
    want = cli_render(["--images", data(GRAY), "--layout", data(XY), "--size", "96x64", "--backend", "osmesa"])
    assert first_diff(np.asarray(got), want) is None


def test_from_umap(ap):
    class Fitted:
        embedding_ = load(XY)
    got = ap.from_umap(Fitted(), load(GRAY), size=(80, 60))
    assert first_diff(np.asarray(got), np.asarray(ap.render(load(GRAY), load(XY), size=(80, 60)))) is None


# (animate's options, the package's keywords) for transitions
MOVES = [
    (["--stagger", "0.5"], dict(stagger=0.5)),
    (["--stagger", "0.7", "--stagger-by", "distance"], dict(stagger=0.7, stagger_by="distance")),
    (["--stagger", "0.4", "--stagger-by", "label"], dict(stagger=0.4, stagger_by="label")),
    (["--camera-from", "0,0,1", "--camera-to", "0.4,-0.2,3"], dict(camera_from=(0, 0, 1), camera_to=(0.4, -0.2, 3))),
    (["--camera-to", "0.3,0.3,2", "--path-ease", "linear", "--align", "procrustes"],
     dict(camera_to=(0.3, 0.3, 2), path_ease="linear", align="procrustes")),
    (["--title-from", "Layout A", "--title-to", "Layout B", "--legend"],
     dict(title_from="Layout A", title_to="Layout B", legend=True, color_by="label")),
    (["--camera-from", "0,0,1", "--camera-to", "200,-100,6", "--clamp-camera"],
     dict(camera_from=(0, 0, 1), camera_to=(200, -100, 6), clamp_camera=True)),
    # discs into images along a zoom, at frame 0's opacity (auto) or each frame's own
    (["--camera-to", "0.3,0.3,4", "--dots-below", "30", "--opacity", "auto"],
     dict(camera_to=(0.3, 0.3, 4), dots_below=30, opacity="auto")),
    (["--camera-to", "0.3,0.3,4", "--dots-below", "30", "--opacity", "auto-frame"],
     dict(camera_to=(0.3, 0.3, 4), dots_below=30, opacity="auto-frame")),
]
SCENE_OPTIONS = ("title_from", "title_to", "legend", "color_by", "clamp_camera", "dots_below", "opacity")


@pytest.mark.parametrize("cli,kw", MOVES, ids=[" ".join(c) for c, _ in MOVES])
def test_transition_options_as_animate(ap, cli, kw):
    w, h, n = 200, 150, 5
    extra = ["--color-by", "label"] if kw.get("color_by") else []
    want = cli_animate_raw(["--images", data(GRAY), "--labels", data(LAB), "--from", data(XY), "--to",
                            data("syn_xy_b.npy"), "--frames", str(n), "--backend", "cpu", *cli, *extra], w, h)
    assert want.shape[0] == n
    got = list(ap.animate(load(GRAY), load(XY), load("syn_xy_b.npy"), load(LAB), frames=n, size=(w, h), **kw))
    for k in range(n):
        assert first_diff(np.asarray(got[k]), want[k]) is None, f"frame {k}: {first_diff(np.asarray(got[k]), want[k])}"
    # one frame of a Scene, planned once, drawn out of order
    move = {k: v for k, v in kw.items() if k not in SCENE_OPTIONS}
    scene_kw = {k: v for k, v in kw.items() if k not in move}
    with ap.Scene(load(GRAY), load(XY), load(LAB), size=(w, h), **scene_kw) as s:
        b = load("syn_xy_b.npy")
        for k in (3, 1):
            got = np.asarray(s.transition(b, k / (n - 1), **move))
            assert first_diff(got, want[k]) is None, f"scene frame {k}"


@pytest.mark.parametrize("cli,kw", MOVES[:5:2] + MOVES[4:], ids=[" ".join(c) for c, _ in MOVES[:5:2] + MOVES[4:]])
def test_transition_on_osmesa_as_animate(ap, cli, kw):
    """The GL backend's transition (kept resident, drawn from t) through the package is
    animate's on the same backend, byte for byte, frames drawn out of order too."""
    w, h, n = 160, 120, 5
    extra = ["--color-by", "label"] if kw.get("color_by") else []
    try:
        want = cli_animate_raw(["--images", data(GRAY), "--labels", data(LAB), "--from", data(XY), "--to",
                                data("syn_xy_b.npy"), "--frames", str(n), "--backend", "osmesa", *cli, *extra], w, h)
    except subprocess.CalledProcessError as e:
        pytest.skip(f"no osmesa here: {e.stderr.decode().strip()}")
    move = {k: v for k, v in kw.items() if k not in SCENE_OPTIONS}
    scene_kw = {k: v for k, v in kw.items() if k not in move}
    with ap.Scene(load(GRAY), load(XY), load(LAB), size=(w, h), backend="osmesa", **scene_kw) as s:
        b = load("syn_xy_b.npy")
        for k in (3, 0, 4, 1):
            got = np.asarray(s.transition(b, k / (n - 1), **move))
            assert first_diff(got, want[k]) is None, f"frame {k}: {first_diff(got, want[k])}"


def test_clamp_camera_keeps_the_data(ap):
    # core/cam.h's rule by hand, in the same double arithmetic: zoom 0.5 -> 1; each axis
    # keeps the centre within |P/2 - F/(2s)| of the box's centre (P: the padded side)
    xy, m, w, h = load(XY), 0.05, 160, 120
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    s0 = min(w / ((hi[0] - lo[0]) * (1 + 2 * m)), h / ((hi[1] - lo[1]) * (1 + 2 * m)))

    def allowed(a, frame):
        return abs((hi[a] - lo[a]) * (1 + 2 * m) / 2 - frame / (2 * s0))
    cx = (lo[0] + hi[0]) / 2 + allowed(0, w)         # 500 is right of it
    cy = (lo[1] + hi[1]) / 2 - allowed(1, h)         # -500 below
    assert allowed(0, w) > 5                          # the box is narrower than the frame in x
    want = np.asarray(ap.render(load(GRAY), xy, size=(w, h), camera=(cx, cy, 1)))
    got = ap.render(load(GRAY), xy, size=(w, h), camera=(500, -500, 0.5), clamp_camera=True)
    assert first_diff(np.asarray(got), want) is None
    off = ap.render(load(GRAY), xy, size=(w, h), camera=(500, -500, 0.5))
    assert not np.asarray(off)[..., :3].any()        # unclamped: nothing of the data


def test_sprite_mode_errors(ap):
    with pytest.raises(ValueError, match=r"^--sprite-growth 1: only --sprite-mode power has a growth exponent, not asinh$"):
        ap.render(load(GRAY), load(XY), size=(80, 60), sprite_mode="asinh", sprite_growth=1)
    with pytest.raises(ValueError, match=r"^--sprite-mode 'log': expected power, asinh or constant$"):
        ap.render(load(GRAY), load(XY), size=(80, 60), sprite_mode="log")


def test_transition_option_errors(ap):
    s = ap.Scene(load(GRAY), load(XY), size=(80, 60))
    b = load("syn_xy_b.npy")
    with pytest.raises(ValueError, match="--stagger '1.5': expected a fraction from 0 to 1"):
        s.set_transition(b, stagger=1.5)
    with pytest.raises(ValueError, match="--stagger-by 'size': expected index, label or distance"):
        s.set_transition(b, stagger_by="size")
    with pytest.raises(ValueError, match="--stagger-by label: the data set has no labels"):
        s.set_transition(b, stagger=0.5, stagger_by="label")
    with pytest.raises(ValueError, match="--camera-to '0,0,-1': expected CX,CY,ZOOM with ZOOM > 0"):
        s.set_transition(b, camera_to=(0, 0, -1))
    with pytest.raises(ValueError, match="--path-ease 'wobble'"):
        s.set_transition(b, path_ease="wobble")


def test_opacity_errors(ap):
    with pytest.raises(ValueError, match="--opacity 'dense': expected a number above 0, at most 1, auto or auto-frame"):
        ap.render(load(GRAY), load(XY), size=(80, 60), dots_below=8, opacity="dense")
    with pytest.raises(ValueError, match=r"--opacity: needs --alpha blend or --dots-below \(--alpha discard draws images opaque\)"):
        ap.render(load(GRAY), load(XY), size=(80, 60), opacity=0.5)
    with pytest.raises(ValueError, match="--dots-fade '0.5': expected a number from 1 to 100"):
        ap.render(load(GRAY), load(XY), size=(80, 60), dots_below=8, dots_fade=0.5)


def test_save_png_pdf_svg_as_render(ap, tmp_path):
    import re
    import shutil
    import subprocess
    from conftest import AP, png_rgba
    args = ["--images", data(GRAY), "--layout", data(XY), "--labels", data(LAB), "--size", "200x150",
            "--color-by", "label", "--title", "Digits Overview", "--legend"]
    kw = dict(size=(200, 150), color_by="label", title="Digits Overview", legend=True)
    with ap.Scene(load(GRAY), load(XY), load(LAB), **kw) as s:
        s.save(tmp_path / "a.png")
        s.save(tmp_path / "a.pdf")
        s.save(tmp_path / "a.svg")
        s.save(tmp_path / "doc", format="pdf")
        with pytest.raises(ValueError, match="format 'gif': expected png, pdf or svg"):
            s.save(tmp_path / "a.gif", format="gif")
    assert first_diff(png_rgba((tmp_path / "a.png").read_bytes()), cli_render(args)) is None
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "doc").read_bytes()[:5] == b"%PDF-"
    subprocess.run([AP, "render", *args, "-o", str(tmp_path / "cli.svg")], check=True)

    def ids(p):                       # Cairo numbers its ids per process
        return re.sub(rb'(id="|#)([a-z]+)\d+', rb"\1\2", p.read_bytes())
    assert ids(tmp_path / "a.svg") == ids(tmp_path / "cli.svg")
    ap.save(tmp_path / "b.pdf", load(GRAY), load(XY), load(LAB), **kw)
    assert (tmp_path / "b.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="Scene.save"):
        ap.render(load(GRAY), load(XY), size=(80, 60)).save(tmp_path / "c.pdf")
    if not shutil.which("pdftotext"):
        pytest.skip("no pdftotext here")
    for name in ("a.pdf", "b.pdf"):
        text = subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, check=True).stdout
        assert b"Digits Overview" in text


def test_text_warnings_are_python_warnings(ap):
    long_title = "A very long title " * 8
    with pytest.warns(UserWarning, match=r"--title 'A very long title .*too wide for a 120 px frame.*cut to fit"):
        got = ap.render(load(GRAY), load(XY), size=(120, 90), title=long_title)
    # the frame is still the CLI's, which prints the same warning
    want = cli_render(["--images", data(GRAY), "--layout", data(XY), "--size", "120x90", "--title", long_title])
    assert first_diff(np.asarray(got), want) is None
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="cut to fit"):
            ap.Scene(load(GRAY), load(XY), size=(120, 90), title=long_title)
        ap.render(load(GRAY), load(XY), size=(120, 90), title="Fits")   # no warning at all
