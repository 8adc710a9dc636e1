"""Shared helpers of the Python tests: the package from the checkout, the CLI binary,
the small data sets in tests/data, and frames drawn by the CLI for comparison."""
import io
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
DATA = os.path.join(ROOT, "tests", "data")
AP = os.environ.get("AP", os.path.join(ROOT, "atlasplot"))


def data(name):
    return os.path.join(DATA, name)


def load(name):
    return np.load(data(name))


def png_rgba(b):
    from PIL import Image
    im = Image.open(io.BytesIO(b))
    return np.asarray(im.convert("RGBA"))


def cli_render(args):
    """The CLI's frame for `atlasplot render ARGS -o -`, as an (H, W, 4) array."""
    r = subprocess.run([AP, "render", *args, "-o", "-"], capture_output=True, check=True)
    return png_rgba(r.stdout)


def cli_animate_raw(args, w, h):
    """Every frame of `atlasplot animate ARGS -o -` (raw RGBA), as (F, H, W, 4)."""
    r = subprocess.run([AP, "animate", *args, "--size", f"{w}x{h}", "-o", "-"], capture_output=True, check=True)
    return np.frombuffer(r.stdout, np.uint8).reshape(-1, h, w, 4)


def first_diff(a, b):
    """None, or where two frames first differ, for an assertion message."""
    if a.shape != b.shape:
        return f"shapes {a.shape} and {b.shape}"
    d = np.argwhere(np.any(a != b, axis=-1))
    if not len(d):
        return None
    y, x = d[0]
    return f"{len(d)} pixels differ, first at ({x}, {y}): {a[y, x]} vs {b[y, x]}"


@pytest.fixture(scope="session")
def ap():
    import atlasplot
    return atlasplot
