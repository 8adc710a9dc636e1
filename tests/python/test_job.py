"""Jobs: the commands render and animate through the library, every option by name."""
import os
import re
import subprocess
import warnings

import numpy as np
import pytest

import atlasplot as ap

from conftest import AP, data, load, png_rgba

IM, XY, LAB = data("syn_gray.npy"), data("syn_xy.npy"), data("syn_labels.npy")
XY2 = load("syn_xy.npy")[:, ::-1].copy()


def cli(*args):
    return subprocess.run([AP, *args], capture_output=True, text=True)


def test_options_are_the_command_lines():
    for cmd in ("render", "animate"):
        opts = ap.options(cmd)
        text = ap.help(cmd)
        assert text == cli(cmd, "--help").stdout
        # every option the job takes is documented in --help, and every one the help
        # documents is taken
        documented = set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z-]*)", text, re.M)) - {"help"}
        assert documented == set(opts), documented ^ set(opts)
        assert opts["resume" if cmd == "animate" else "camera"] in ("flag", "value")
    assert ap.options("animate")["resume"] == "flag" and ap.options("render")["legend"] == "optional"
    with pytest.raises(ValueError, match="unknown command 'diff': expected render or animate"):
        ap.options("diff")


def test_render_equals_the_cli(tmp_path):
    args = ["--images", IM, "--labels", LAB, "--layout", XY, "--size", "160x120", "--color-by", "label",
            "--title", "Jobs", "--camera", "0,0,1", "--camera", "0.2,0.1,3"]
    r = cli("render", *args, "-o", str(tmp_path / "c_%d.png"))
    assert r.returncode == 0, r.stderr
    ap.run("render", images=IM, labels=LAB, layout=np.load(XY), size=(160, 120), color_by="label", title="Jobs",
           camera=[(0, 0, 1), (0.2, 0.1, 3)], o=str(tmp_path / "p_%d.png"))
    for k in (0, 1):
        c = png_rgba((tmp_path / f"c_{k}.png").read_bytes())
        p = png_rgba((tmp_path / f"p_{k}.png").read_bytes())
        assert c.shape == (120, 160, 4) and np.array_equal(c, p)


def test_animate_equals_the_cli_with_sheet_holds_shards(tmp_path):
    np.save(tmp_path / "b.npy", XY2)
    os.mkdir(tmp_path / "c")
    os.mkdir(tmp_path / "p")
    common = ["--images", IM, "--from", XY, "--to", str(tmp_path / "b.npy"), "--size", "96x64", "--frames", "5",
              "--hold-end", "0.1", "--stagger", "0.3"]
    r = cli("animate", *common, "--contact-sheet", str(tmp_path / "cs.png"), "-o", str(tmp_path / "c/f_%02d.png"))
    assert r.returncode == 0, r.stderr
    seen = []
    for k in range(2):
        ap.run("animate", images=IM, from_=np.load(XY), to=XY2, size=(96, 64), frames=5, hold_end=0.1,
               stagger=0.3, shard=f"{k}/2", output=str(tmp_path / "p/f_%02d.png"), progress=seen.append)
    ap.run("animate", images=IM, from_=XY, to=str(tmp_path / "b.npy"), size=(96, 64), frames=5, hold_end=0.1,
           stagger=0.3, resume=True, contact_sheet=str(tmp_path / "ps.png"), output=str(tmp_path / "p/f_%02d.png"))
    names = sorted(os.listdir(tmp_path / "c"))
    assert names == sorted(os.listdir(tmp_path / "p")) and len(names) == 8   # 5 frames, 3 held
    for n in names + ["../cs.png"]:
        c = png_rgba((tmp_path / "c" / n).read_bytes())
        p = png_rgba((tmp_path / "p" / n.replace("cs", "ps")).read_bytes())
        assert np.array_equal(c, p), n
    assert seen[-1]["final"] and seen[-1]["total"] == 8 and sum(s["rendered"] for s in seen if s["final"]) == 8


@pytest.mark.parametrize("opts, msg", [
    (dict(images=IM, layout=XY, sprite="x", o="x.png"), "--sprite 'x': expected a positive number"),
    (dict(layout=XY, o="x.png"), "missing --images FILE (or --manifest FILE)"),
    (dict(images=IM, o="x.png"), "missing --layout FILE"),
    (dict(images=IM, layout=XY), "missing -o OUT.png"),
    (dict(images=IM, layout=XY, camera=[(0, 0, 1), (0, 0, 2)], o="x.png"),
     "output 'x.png': several frames need a pattern with %d, e.g. frame_%04d.png"),
    (dict(images=IM, layout=XY, o="-"), "output '-': this caller gives no stream to write to"),
    (dict(images=IM, layout=XY, bogus=1, o="x.png"), "unknown option '--bogus' for atlasplot render"),
])
def test_render_errors_are_the_cli_messages(tmp_path, opts, msg):
    with pytest.raises(ValueError) as e:
        ap.run("render", **{k: v.replace("x.png", str(tmp_path / "x.png")) if isinstance(v, str) else v
                            for k, v in opts.items()})
    assert str(e.value) == msg.replace("x.png", str(tmp_path / "x.png"))
    assert not os.listdir(tmp_path)


def test_animate_usage_and_failures(tmp_path):
    with pytest.raises(ValueError, match=r"^--frames and --duration: give one, not both$"):
        ap.run("animate", images=IM, from_=XY, frames=3, duration=1, o=str(tmp_path / "f_%d.png"))
    with pytest.raises(ValueError, match=r"^--shard '2/2': expected K/N with 0 <= K < N, e.g. 0/4$"):
        ap.run("animate", images=IM, from_=XY, shard="2/2", o=str(tmp_path / "f_%d.png"))
    with pytest.raises(OSError, match=r"^path '.*nope.txt': "):
        ap.run("animate", images=IM, from_=XY, path=str(tmp_path / "nope.txt"), o=str(tmp_path / "f_%d.png"))
    with pytest.raises(OSError, match=r"^images '.*nope.npy': "):
        ap.run("render", images=str(tmp_path / "nope.npy"), layout=XY, o=str(tmp_path / "x.png"))
    assert not os.listdir(tmp_path)


def test_warnings_and_log_lines(tmp_path):
    lines = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ap.run("render", images=IM, layout=XY, size=(64, 48), title="a title far too long for a frame this small",
               verbose=True, log=lines.append, o=str(tmp_path / "x.png"))
    assert [str(x.message) for x in w if issubclass(x.category, UserWarning)]
    assert any(line.startswith("stats frames=1 ") for line in lines)
    assert (tmp_path / "x.png").exists()
