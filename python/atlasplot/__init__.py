"""atlasplot: draw every image of a data set at its 2-D layout coordinate.

The Python face of libatlasplot (include/atlasplot.h), with the same pixels as the
``atlasplot`` command line. Keyword arguments are named as its options
(``--color-by`` is ``color_by``); errors are ``ValueError`` (``OSError`` for files)
carrying the command line's message for the same fault; the command line's warnings
(a title shrunk or cut to fit, say) are ``UserWarning``s (``warnings.warn``).

    >>> img = atlasplot.render(images, xy, labels, color_by="label", size=(800, 600))
    >>> img.save("overview.png")          # img is an (H, W, 4) uint8 numpy array
    >>> scene = atlasplot.Scene(images, xy, labels)   # the atlas built once
    >>> frames = [scene.transition(xy2, t) for t in np.linspace(0, 1, 30)]

    >>> atlasplot.save("figure.pdf", images, xy, labels, title="Digits")   # texts as vectors

    >>> atlasplot.run("animate", images=images, from_=xy, to=xy2, hold_end=1,
    ...               contact_sheet="sheet.png", output="frames/f_%05d.png")

Functions: render, save, Scene, animate, from_umap, grid; Image is what they return. run,
options and help: the commands render and animate themselves, every option by name.
"""

import ctypes
import os
import sys
import tempfile
import warnings

import numpy as np

from . import _lib

__all__ = ["render", "save", "Scene", "Image", "animate", "from_umap", "grid", "run", "options", "help",
           "version"]

FORMATS = ["png", "pdf", "svg"]

ALPHA = ["discard", "blend", "opaque"]
SPRITE_MODE = ["power", "asinh", "constant"]
COVERAGE = ["keep", "plain"]
OPACITY = ["auto", "auto-frame"]
COLOR_BY = ["label", "none"]
LEGEND = ["none", "auto", "top-left", "top-right", "bottom-left", "bottom-right"]
BACKEND = ["auto", "cpu", "osmesa", "egl"]
ALIGN = ["none", "procrustes"]
STAGGER_BY = ["index", "label", "distance"]
EASE = ["linear", "quad-in", "quad-out", "quad-in-out", "cubic-in", "cubic-out", "cubic-in-out",
        "sine-in", "sine-out", "sine-in-out", "exp-in-out"]


def version():
    """The library's version string."""
    return _lib.lib.ap_version().decode()


def _or_list(names):
    return ", ".join(names[:-1]) + " or " + names[-1]


def _choice(opt, value, names):
    if value not in names:
        raise ValueError(f"{opt} '{value}': expected {_or_list(names)}")
    return names.index(value)


def _color(opt, value, allow_none):
    if isinstance(value, int) and not isinstance(value, bool):
        return value & 0xFFFFFFFF
    out = ctypes.c_uint32()
    s = str(value)
    if _lib.lib.ap_color_parse(s.encode(), ctypes.byref(out)) or (not allow_none and out.value == 0):
        raise ValueError(f"{opt} '{s}': expected RRGGBB, RRGGBBAA or none" if allow_none
                         else f"{opt} '{s}': expected RRGGBB or RRGGBBAA")
    return out.value


def _bytes(value):
    if isinstance(value, int):
        return value
    s = str(value)
    mul = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(s[-1:].lower(), 1)
    try:
        v = int(s[:-1] if mul > 1 else s)
        if v <= 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"--max-memory '{s}': expected a size like 512M or 4G") from None
    return v * mul


def _scene_desc(size=(1920, 1080), margin=None, clamp_camera=False, sprite="auto", sprite_mode="power",
                sprite_growth=None, sprite_min=None, sprite_max=None, alpha="discard", threshold=None, coverage="keep", color_by=None,
                background="000000", outline=None, highlight=None, highlight_scale=None, title=None,
                title_from=None, title_to=None, caption=None, legend=None, label_names=None, font_size=None, text_color=None, dpi=None,
                backend="cpu", gpu=None, page_size=None, max_memory=None, dots_below=None, dots_fade=None,
                opacity=None):
    d = _lib.SceneDesc()
    keep = []                     # the strings the desc points at, alive while it is used

    def cstr(s):
        b = str(s).encode()
        keep.append(b)
        return b

    if size is not None:
        if isinstance(size, str):
            try:
                w, h = (int(v) for v in size.lower().split("x"))
            except ValueError:
                raise ValueError(f"--size '{size}': expected WxH, e.g. 1920x1080") from None
        else:
            w, h = size
        if not (int(w) > 0 and int(h) > 0):
            raise ValueError(f"--size '{w}x{h}': expected WxH, e.g. 1920x1080")
        d.width, d.height = int(w), int(h)
    if margin is not None:
        d.margin, d.margin_set = float(margin), True
    d.clamp_camera = bool(clamp_camera)
    d.sprite_mode = _choice("--sprite-mode", sprite_mode, SPRITE_MODE)
    if sprite is not None and sprite != "auto":
        if isinstance(sprite, str):
            try:
                sprite = float(sprite)
            except ValueError:
                raise ValueError(f"--sprite '{sprite}': expected a positive number") from None
        if not sprite > 0:
            raise ValueError(f"--sprite '{sprite:g}': expected a positive number")
        d.sprite = float(sprite)
    if sprite_growth is not None:
        d.sprite_growth, d.sprite_growth_set = float(sprite_growth), True
    for opt, name, v in (("--sprite-min", "sprite_min", sprite_min), ("--sprite-max", "sprite_max", sprite_max)):
        if v is not None:
            if not float(v) > 0:
                raise ValueError(f"{opt} '{float(v):g}': expected a positive number")
            setattr(d, name, float(v))
    d.alpha = _choice("--alpha", alpha, ALPHA)
    if threshold is not None:
        d.threshold, d.threshold_set = float(threshold), True
    d.coverage_plain = _choice("--coverage", coverage, COVERAGE) == 1
    if color_by is not None:
        d.color_by_label = _choice("--color-by", color_by, COLOR_BY) == 0
    if background is not None:
        d.background, d.background_set = _color("--background", background, True), True
    if outline is not None:
        d.outline = _color("--outline", outline, False)
    if highlight is not None:
        if not isinstance(highlight, str):
            highlight = ",".join(str(int(i)) for i in np.asarray(highlight).ravel())
        d.highlight = cstr(highlight)
    if highlight_scale is not None:
        d.highlight_scale = float(highlight_scale)
    if title is not None and title_from is not None:
        raise ValueError("title_from: give title or title_from, not both (they are one option)")
    if title_from is not None:
        title = title_from
    if title is not None:
        d.title = cstr(title)
    if title_to is not None:
        d.title_to = cstr(title_to)
    if caption is not None:
        d.caption = cstr(caption)
    if legend is True:
        legend = "auto"
    if legend not in (None, False):
        d.legend = _choice("--legend", legend, LEGEND)
    if label_names is not None:
        if not isinstance(label_names, str):
            label_names = ",".join(str(n) for n in label_names)
        d.label_names = cstr(label_names)
    if font_size is not None:
        d.font_size = float(font_size)
    if text_color is not None:
        d.text_color = _color("--text-color", text_color, False)
    if dpi is not None:
        d.dpi = float(dpi)
    d.backend = _choice("--backend", backend, BACKEND)
    if gpu is not None:
        d.gpu, d.gpu_set = int(gpu), True
    if page_size is not None:
        d.page_size = int(page_size)
    if max_memory is not None:
        d.max_memory = _bytes(max_memory)
    if dots_below is not None:
        d.dots_below = float(dots_below)
    if dots_fade is not None:
        d.dots_fade = float(dots_fade)
    if isinstance(opacity, str) and opacity in OPACITY:
        d.opacity_auto = OPACITY.index(opacity) + 1
    elif opacity is not None:
        try:
            d.opacity = float(opacity)
        except ValueError:
            raise ValueError(f"--opacity '{opacity}': expected a number above 0, at most 1, auto or auto-frame") from None
        if not 0 < d.opacity <= 1:
            raise ValueError(f"--opacity '{opacity}': expected a number above 0, at most 1, auto or auto-frame")
    return d, keep


def _array(a, name, keep):
    """An ap_array over a (C order, native byte order: copied only when it is not)."""
    a = np.asarray(a)
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("="))
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    keep.append(a)
    out = _lib.Array()
    out.data = a.ctypes.data if a.size else None
    ts = a.dtype.str.encode()
    nm = name.encode()
    keep.extend([ts, nm])
    out.dtype, out.name = ts, nm
    out.ndim = a.ndim
    for i, s in enumerate(a.shape[:_lib.MAX_DIMS]):
        out.shape[i] = s
    if a.ndim == 0:                   # a scalar: a shape that says so
        out.ndim = -1
    return out


def _check(rc, err, exc=ValueError):
    if rc:
        raise exc(err.text())


def _cam(camera, opt="--camera"):
    try:
        cx, cy, zoom = (float(v) for v in camera)
    except (TypeError, ValueError):
        raise ValueError(f"{opt} '{camera}': expected CX,CY,ZOOM with ZOOM > 0") from None
    if not zoom > 0:
        raise ValueError(f"{opt} '{cx:g},{cy:g},{zoom:g}': expected CX,CY,ZOOM with ZOOM > 0")
    return _lib.Camera(cx, cy, zoom)


def _camera(camera):
    return None if camera is None else ctypes.byref(_cam(camera))


def _tuple(camera):
    return None if camera is None else tuple(camera)


def _ease(opt, ease):
    if ease not in EASE:
        raise ValueError(f"{opt} '{ease}': expected one of {', '.join(EASE)}")
    return EASE.index(ease) + 1


class Image(np.ndarray):
    """A frame: an (H, W, 4) uint8 RGBA numpy array that shows itself inline in Jupyter
    (``_repr_png_``) and saves itself as a PNG (``save``), both by the library's writer."""

    def __new__(cls, h, w):
        return np.empty((h, w, 4), np.uint8).view(cls)

    def _c(self):
        a = np.ascontiguousarray(self, dtype=np.uint8)
        if a.ndim != 3 or a.shape[2] != 4:
            raise ValueError(f"image: expected shape (H, W, 4), got {a.shape}")
        return a

    def to_png(self, level=1):
        """The frame as PNG bytes."""
        a = self._c()
        out, n, err = ctypes.c_void_p(), ctypes.c_size_t(), _lib.Error()
        _check(_lib.lib.ap_png_encode(a.ctypes.data, a.shape[1], a.shape[0], level, ctypes.byref(out),
                                      ctypes.byref(n), ctypes.byref(err)), err)
        try:
            return ctypes.string_at(out.value, n.value)
        finally:
            _lib.lib.ap_free(out)

    def _repr_png_(self):
        return self.to_png()

    def save(self, path, level=1, format=None):
        """Write the frame as a PNG at path (atomically: a complete file or none). A PDF
        or SVG needs the scene, for its texts as vectors: Scene.save or atlasplot.save."""
        if format is None:
            format = "pdf" if str(path).lower().endswith(".pdf") else "svg" if str(path).lower().endswith(".svg") else "png"
        if format != "png":
            raise ValueError(f"image.save '{path}': an Image saves only PNG; for {format.upper()} use "
                             "Scene.save(path) or atlasplot.save(path, ...), which write the texts as vectors")
        a = self._c()
        err = _lib.Error()
        _check(_lib.lib.ap_png_write(os.fsencode(path), a.ctypes.data, a.shape[1], a.shape[0], level,
                                     ctypes.byref(err)), err, OSError)


def _dataset(images, xy, labels, keep):
    d = _lib.DatasetDesc()
    if isinstance(images, (str, os.PathLike)):
        d.images_path = os.fsencode(images)
        if xy is not None:
            if not isinstance(xy, (str, os.PathLike)):
                raise ValueError("layout: give a file with image files, or arrays with arrays")
            d.layout_path = os.fsencode(xy)
        if labels is not None:
            d.labels_path = os.fsencode(labels)
        exc = OSError
    else:
        d.images = _array(images, "images", keep)
        if xy is not None:
            d.positions = _array(xy, "xy", keep)
        if labels is not None:
            d.labels = _array(labels, "labels", keep)
        exc = ValueError
    err = _lib.Error()
    ds = _lib.lib.ap_dataset_make(ctypes.byref(d), ctypes.byref(err))
    if not ds:
        raise exc(err.text())
    return ds


class Scene:
    """A data set with its atlas built once, for many frames.

    Parameters
    ----------
    images : array_like or path
        uint8 images, (N, H, W) or (N, H, W, C) with C 1, 3 or 4 (borrowed, not copied,
        when C-contiguous), or a file or folder as ``--images`` takes.
    xy : array_like or path
        float32 or float64 positions (N, 2), or a layout file.
    labels : array_like or path, optional
        integer labels (N,), any width.
    **options
        the command line's options: size=(W, H), margin, clamp_camera (True: every
        camera kept on the data), sprite ("auto" or pixels), sprite_mode ("power",
        "asinh", "constant"), sprite_growth, sprite_min, sprite_max, alpha, threshold, coverage, color_by,
        background ("RRGGBB", "RRGGBBAA", "none"), outline, highlight (indices or
        "label=K"), highlight_scale, title, caption, legend (True, "auto", a corner),
        label_names (a list or a file), font_size, text_color, dpi, backend ("cpu" by
        default here; "auto", "osmesa", "egl"), gpu, page_size, max_memory, dots_below
        (pixels: smaller sprites are discs), dots_fade, opacity (a number, "auto": a
        still's own and a transition's frame 0's, or "auto-frame"); and animate's
        title_from (the same as title) and title_to, the title that transitions
        cross-fade into.
    """

    def __init__(self, images, xy, labels=None, **options):
        self._s = None
        desc, keep = _scene_desc(**options)
        # the library's warnings, held until the call returns and then warned from
        # Python (an exception in a ctypes callback would only be printed)
        self._pending = []

        def warn(user, line):
            self._pending.append(line.decode("utf-8", "replace"))
        self._warn = _lib.WARN(warn)          # alive as long as the scene
        desc.warn = ctypes.cast(self._warn, ctypes.c_void_p)
        ds = _dataset(images, xy, labels, keep)
        err = _lib.Error()
        s = _lib.lib.ap_scene_make(ds, ctypes.byref(desc), ctypes.byref(err))
        self._s = s or None           # freed by close() even when a warning raises
        self._flush()
        if not s:
            raise ValueError(err.text())
        self._xy = xy
        w, h = ctypes.c_int(), ctypes.c_int()
        _lib.lib.ap_scene_size(s, ctypes.byref(w), ctypes.byref(h))
        self.size = (w.value, h.value)

    def _flush(self):
        pending, self._pending = self._pending, []
        for line in pending:
            warnings.warn(line, UserWarning, stacklevel=3)

    def _done(self, rc, err, exc=ValueError):
        self._flush()
        _check(rc, err, exc)

    def _handle(self):
        if not self._s:
            raise ValueError("scene: closed")
        return self._s

    def render(self, camera=None, out=None):
        """One frame for camera (cx, cy, zoom), or the fitted camera; an Image (into out,
        an Image of this size, when given)."""
        s = self._handle()
        w, h = self.size
        img = out if out is not None else Image(h, w)
        err = _lib.Error()
        self._done(_lib.lib.ap_scene_draw(s, _camera(camera), img.ctypes.data, img.nbytes, ctypes.byref(err)), err)
        return img

    def save(self, path, camera=None, format=None):
        """Write the still for camera as ``atlasplot render -o path`` does, atomically:
        format "png", "pdf" or "svg" (None: from path's extension, PNG unless .pdf or
        .svg). A PDF or SVG has the frame as a raster and the title, caption and legend
        as vectors."""
        s = self._handle()
        if format is not None:
            format = str(format).lower()
            if format not in FORMATS:
                raise ValueError(f"format '{format}': expected png, pdf or svg")
        err = _lib.Error()
        self._done(_lib.lib.ap_scene_write(s, _camera(camera), os.fsencode(path),
                                       None if format is None else format.encode(), ctypes.byref(err)),
               err, OSError)

    def set_transition(self, b, ease="cubic-in-out", align="none", stagger=0.0, stagger_by="index",
                       camera_from=None, camera_to=None, path_ease="cubic-in-out"):
        """Plan transitions from the scene's layout to layout b (N, 2), with animate's
        options: ease, align, stagger (0..1), stagger_by ("index", "label",
        "distance"), camera_from / camera_to (cx, cy, zoom in A's units; either one
        makes frames drawn without a camera follow the van Wijk-Nuij move between them,
        the other defaulting to A's fit) and path_ease (the camera move's time warp)."""
        s = self._handle()
        keep = []
        d = _lib.TransitionDesc()
        d.to = _array(b, "b", keep)
        d.ease = _ease("--ease", ease)
        d.procrustes = _choice("--align", align, ALIGN) == 1
        stagger = float(stagger)
        if not 0 <= stagger <= 1:
            raise ValueError(f"--stagger '{stagger:g}': expected a fraction from 0 to 1")
        d.stagger = stagger
        if stagger_by not in STAGGER_BY:
            raise ValueError(f"--stagger-by '{stagger_by}': expected index, label or distance")
        d.stagger_by = STAGGER_BY.index(stagger_by)
        if camera_from is not None:
            d.camera_from = _cam(camera_from, "--camera-from")
        if camera_to is not None:
            d.camera_to = _cam(camera_to, "--camera-to")
        d.path_ease = _ease("--path-ease", path_ease)
        err = _lib.Error()
        self._done(_lib.lib.ap_scene_set_transition(s, ctypes.byref(d), ctypes.byref(err)), err)
        self._plan = (b, ease, align, stagger, stagger_by, camera_from, camera_to, path_ease)

    def transition(self, b, t, camera=None, ease="cubic-in-out", align="none", stagger=0.0,
                   stagger_by="index", camera_from=None, camera_to=None, path_ease="cubic-in-out"):
        """Frame t (0..1) of the move from the scene's layout to b, as ``atlasplot animate
        --to B`` draws it: A at 0, B at 1, eased in between (options as set_transition;
        camera, when given, wins over a camera move)."""
        opts = (ease, align, float(stagger), stagger_by, _tuple(camera_from), _tuple(camera_to), path_ease)
        plan = getattr(self, "_plan", None)
        if plan is None or plan[0] is not b or plan[1:] != opts:
            self.set_transition(b, *opts)
        s = self._handle()
        w, h = self.size
        img = Image(h, w)
        err = _lib.Error()
        self._done(_lib.lib.ap_scene_draw_transition(s, float(t), _camera(camera), img.ctypes.data, img.nbytes,
                                                 ctypes.byref(err)), err)
        return img

    def close(self):
        """Free the scene now (the garbage collector does it otherwise)."""
        if self._s:
            _lib.lib.ap_scene_free(self._s)
            self._s = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


def render(images, xy, labels=None, *, camera=None, **options):
    """One frame of images at positions xy: an Image, (H, W, 4) uint8.

    Parameters are Scene's, and camera=(cx, cy, zoom) (default: the fitted camera)."""
    with Scene(images, xy, labels, **options) as s:
        return s.render(camera)


def save(path, images, xy, labels=None, *, format=None, camera=None, **options):
    """render() written to path as ``atlasplot render -o path`` writes it: PNG, PDF or
    SVG by format or path's extension (Scene.save)."""
    with Scene(images, xy, labels, **options) as s:
        s.save(path, camera, format)


def animate(images, a, b, labels=None, *, frames=None, duration=2.0, fps=30.0, ease="cubic-in-out",
            align="none", stagger=0.0, stagger_by="index", camera_from=None, camera_to=None,
            path_ease="cubic-in-out", camera=None, out=None, **options):
    """The frames of the move from layout a to layout b, as ``atlasplot animate --from A
    --to B --frames F`` draws them (F from duration × fps + 1 unless frames is given):
    a generator of Images. stagger, stagger_by, camera_from, camera_to, path_ease are
    animate's options (Scene.set_transition); title_from / title_to its title
    cross-fade. out: a folder that gets each frame as frame_NNNN.png as it is drawn
    (made if missing)."""
    if frames is None:
        frames = int(np.floor(duration * fps + 0.5)) + 1
    if int(frames) < 1:
        raise ValueError(f"--frames '{frames}': expected a positive integer")
    frames = int(frames)
    if out is not None:
        os.makedirs(out, exist_ok=True)
    with Scene(images, a, labels, **options) as s:
        opts = (ease, align, float(stagger), stagger_by, _tuple(camera_from), _tuple(camera_to), path_ease)
        s.set_transition(b, *opts)
        for k in range(frames):
            t = 0.0 if frames == 1 else k / (frames - 1)
            img = s.transition(b, t, camera, *opts)
            if out is not None:
                img.save(os.path.join(out, f"frame_{k:04d}.png"))
            yield img


def from_umap(reducer, images, labels=None, **options):
    """render() of a fitted reducer's embedding_ (umap-learn's UMAP, or anything with an
    (N, 2) embedding_)."""
    emb = getattr(reducer, "embedding_", None)
    if emb is None:
        raise ValueError("from_umap: the reducer has no embedding_ (fit it first)")
    return render(images, emb, labels, **options)


def options(command):
    """The options of ``atlasplot COMMAND`` ("render" or "animate"): {name: kind}, kind
    "flag", "value" or "optional" (a value that may be left out)."""
    n = ctypes.c_size_t()
    o = _lib.lib.ap_job_options(str(command).encode(), ctypes.byref(n))
    if not o:
        raise ValueError(f"unknown command '{command}': expected render or animate")
    kinds = ("flag", "value", "optional")
    return {o[i].name.decode(): kinds[o[i].arg] for i in range(n.value)}


def help(command):
    """The text ``atlasplot COMMAND --help`` prints."""
    p = _lib.lib.ap_job_help(str(command).encode())
    if not p:
        raise ValueError(f"unknown command '{command}': expected render or animate")
    try:
        return ctypes.string_at(p).decode()
    finally:
        _lib.lib.ap_free(p)


def _job_value(name, v):
    if isinstance(v, (tuple, list)) and name == "size" and len(v) == 2:
        return f"{int(v[0])}x{int(v[1])}"
    if isinstance(v, tuple):
        return ",".join(_job_value(name, x) for x in v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    return str(v)


def run(command, *, log=None, progress=None, **opts):
    """Run ``atlasplot COMMAND`` ("render" or "animate") in this process, writing what
    the command writes. Every option of the command line by its name, dashes as
    underscores and a trailing underscore dropped (``from_`` is ``--from``, ``o`` or
    ``output`` is ``-o``): True for a flag; a list for an option given several times
    (``images=[a, b]``, ``camera=[(0, 0, 1), (3, 1, 8)]``); a tuple for a comma list
    (``camera_to=(3.5, -1, 20)``); size as (W, H); numpy arrays for images, labels,
    layout, from and to, saved to temporary NPY files for the run. ``verbose=True``
    sends the -v lines to log (a callable taking a line; default: stderr); progress, a
    callable, gets a dict per animate frame (frame, total, done, todo, rendered,
    skipped, elapsed, render_s, final). Bad options raise ValueError with the command
    line's message, failures OSError; warnings are UserWarnings. See options() and help()."""
    known = options(command)
    err = _lib.Error()
    job = _lib.lib.ap_job_make(str(command).encode(), ctypes.byref(err))
    if not job:
        raise ValueError(err.text())
    pending = []
    with tempfile.TemporaryDirectory(prefix="atlasplot") as tmp:
        try:
            for key, value in opts.items():
                name = key.rstrip("_").replace("_", "-")
                if name not in known and name not in ("o", "v"):
                    raise ValueError(f"unknown option '--{name}' for atlasplot {command}")
                if value is None or value is False:
                    continue
                values = value if isinstance(value, list) else [value]
                for k, v in enumerate(values):
                    if isinstance(v, np.ndarray):
                        path = os.path.join(tmp, f"{name}_{k}.npy")
                        np.save(path, np.ascontiguousarray(v))
                        v = path
                    arg = None if v is True else _job_value(name, v).encode()
                    rc = _lib.lib.ap_job_set(job, name.encode(), arg, ctypes.byref(err))
                    if rc:
                        raise (ValueError if rc == -2 else OSError)(err.text())

            def on_log(user, line):
                text = line.decode("utf-8", "replace")
                if log:
                    log(text)
                else:
                    print("atlasplot: " + text, file=sys.stderr)

            def on_warn(user, line):
                pending.append(line.decode("utf-8", "replace"))

            def on_progress(user, p):
                if progress:
                    q = p.contents
                    progress({f: getattr(q, f) for f, _ in _lib.JobProgress._fields_})

            cbs = (_lib.WARN(on_log), _lib.WARN(on_warn), _lib.PROGRESS(on_progress))
            h = _lib.JobHooks()
            h.log, h.warn, h.progress = (ctypes.cast(c, ctypes.c_void_p) for c in cbs)
            h.command_line = f"atlasplot {command}".encode()
            rc = _lib.lib.ap_job_run(job, ctypes.byref(h), ctypes.byref(err))
            for line in pending:
                warnings.warn(line, UserWarning, stacklevel=2)
            if rc < 0:
                raise (ValueError if rc == -2 else OSError)(err.text())
        finally:
            _lib.lib.ap_job_free(job)


GRID_METHOD = ["auto", "exact", "heuristic", "random"]


def grid(xy, cols=None, rows=None, method="auto", score=False):
    """Every point of layout xy (N, 2) on its own cell of a cols x rows grid, keeping
    neighbourhoods, as ``atlasplot grid`` does: an (N, 2) float64 layout, cell (col, row)
    at (col, -row), to render or animate to. cols, rows: None for the squarest grid with
    room (one given: as few of the other as make room); method "auto" (exact up to 2,000
    points, the hierarchical heuristic above), "exact", "heuristic" or "random". With
    score=True, (layout, score): the share of each point's 10 nearest neighbours in xy
    kept among its 10 nearest in the grid."""
    keep = []
    a = _array(xy, "xy", keep)
    d = _lib.GridDesc()
    for name, v in (("--cols", cols), ("--rows", rows)):
        if v is not None and (not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1):
            raise ValueError(f"{name} '{v}': expected a positive integer")
    d.cols, d.rows = int(cols or 0), int(rows or 0)
    d.method = _choice("--method", method, GRID_METHOD)
    n = int(np.shape(xy)[0]) if np.ndim(xy) == 2 else 0
    out = np.zeros((n, 2), np.float64)
    sc = ctypes.c_double()
    err = _lib.Error()
    rc = _lib.lib.ap_grid(ctypes.byref(a), ctypes.byref(d), out.ctypes.data, out.size, ctypes.byref(sc), None,
                          None, ctypes.byref(err))
    _check(rc, err)
    return (out, sc.value) if score else out
