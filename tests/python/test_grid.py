"""atlasplot.grid (ap_grid): the CLI's `atlasplot grid` cells, from an array."""
import re
import subprocess

import numpy as np
import pytest

import atlasplot as ap

from conftest import AP, data, load

XY = load("syn_xy.npy")


def cli_grid(tmp_path, *args):
    out = tmp_path / "g.npy"
    r = subprocess.run([AP, "grid", "--layout", data("syn_xy.npy"), *args, "-o", str(out)], capture_output=True,
                       text=True)
    return r, (np.load(out) if r.returncode == 0 else None)


@pytest.mark.parametrize("method", ["auto", "exact", "heuristic", "random"])
def test_cells_equal_the_cli(tmp_path, method):
    r, want = cli_grid(tmp_path, "--method", method, "--score")
    assert r.returncode == 0, r.stderr
    got, score = ap.grid(XY, method=method, score=True)
    assert got.dtype == np.float64 and np.array_equal(got, want)
    assert f"score: {score:.4f} " in r.stdout
    cells = {(x, y) for x, y in got}
    assert len(cells) == len(XY)                      # every cell used at most once
    assert got[:, 0].min() == 0 and got[:, 1].max() == 0


def test_shape_and_float32(tmp_path):
    r, want = cli_grid(tmp_path, "--cols", "16")
    g = ap.grid(XY.astype(np.float32), cols=16)
    assert np.array_equal(ap.grid(XY, cols=16), want) and g.shape == (64, 2)
    assert g[:, 0].max() <= 15 and g[:, 1].min() >= -3


def test_errors_are_the_cli_messages(tmp_path):
    r, _ = cli_grid(tmp_path, "--cols", "3", "--rows", "3")
    msg = re.sub(r"^atlasplot: layout '[^']*'", "layout 'xy'", r.stderr.strip())
    with pytest.raises(ValueError) as e:
        ap.grid(XY, cols=3, rows=3)
    assert str(e.value) == msg == "layout 'xy': grid 3x3 has 9 cells, fewer than the 64 points"
    bad = XY.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"^layout 'xy': y at index 3 is not finite \(nan\)$"):
        ap.grid(bad)
    with pytest.raises(ValueError, match=r"^--method 'best': expected "):
        ap.grid(XY, method="best")
    with pytest.raises(ValueError, match=r"^--cols '0': expected a positive integer$"):
        ap.grid(XY, cols=0)
    with pytest.raises(ValueError, match=r"^layout 'xy': expected shape \(N, 2\), got \(64, 3\)$"):
        ap.grid(np.zeros((64, 3)))
