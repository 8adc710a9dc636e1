"""ctypes bindings of include/atlasplot.h: the structs, the functions, and where the
library is found. Not public: use the functions of the atlasplot package."""

import ctypes
import os

_here = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("ATLASPLOT_LIB")
    if env:
        yield env
    # a checkout after `make`: python/atlasplot/ -> build/
    yield os.path.join(_here, "..", "..", "build", "libatlasplot.so.0")
    # an install: PREFIX/lib/python3/dist-packages/atlasplot -> PREFIX/lib
    yield os.path.join(_here, "..", "..", "..", "libatlasplot.so.0")
    yield "libatlasplot.so.0"


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise OSError("atlasplot: libatlasplot.so.0 not found; tried " + "; ".join(tried) +
                  " (build it with make, install it, or set ATLASPLOT_LIB)")


MAX_DIMS = 8


class Error(ctypes.Structure):
    _fields_ = [("msg", ctypes.c_char * 512)]

    def text(self):
        return self.msg.decode("utf-8", "replace")


class Array(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_char_p), ("ndim", ctypes.c_int),
                ("shape", ctypes.c_size_t * MAX_DIMS), ("name", ctypes.c_char_p)]


class DatasetDesc(ctypes.Structure):
    _fields_ = [("images", Array), ("positions", Array), ("labels", Array),
                ("images_path", ctypes.c_char_p), ("labels_path", ctypes.c_char_p),
                ("layout_path", ctypes.c_char_p), ("max_bytes", ctypes.c_size_t)]


_b, _d, _i, _u32 = ctypes.c_bool, ctypes.c_double, ctypes.c_int, ctypes.c_uint32


class SceneDesc(ctypes.Structure):
    _fields_ = [("width", _i), ("height", _i), ("margin", _d), ("margin_set", _b), ("sprite", _d),
                ("sprite_growth", _d), ("sprite_growth_set", _b), ("sprite_min", _d), ("sprite_max", _d),
                ("alpha", _i), ("threshold", _d), ("threshold_set", _b), ("coverage_plain", _b),
                ("color_by_label", _b), ("background", _u32), ("background_set", _b), ("outline", _u32),
                ("highlight", ctypes.c_char_p), ("highlight_scale", _d), ("title", ctypes.c_char_p),
                ("caption", ctypes.c_char_p), ("legend", _i), ("label_names", ctypes.c_char_p),
                ("font_size", _d), ("text_color", _u32), ("dpi", _d), ("backend", _i), ("gpu", _i),
                ("gpu_set", _b), ("page_size", _u32), ("max_memory", ctypes.c_size_t),
                ("warn", ctypes.c_void_p), ("user", ctypes.c_void_p), ("title_to", ctypes.c_char_p),
                ("clamp_camera", _b), ("sprite_mode", _i),
                ("dots_below", _d), ("dots_fade", _d), ("opacity", _d), ("opacity_auto", _i)]


# ap_scene_desc.warn: void (*)(void *user, const char *line)
WARN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)


class Camera(ctypes.Structure):
    _fields_ = [("cx", _d), ("cy", _d), ("zoom", _d)]


class TransitionDesc(ctypes.Structure):
    _fields_ = [("to", Array), ("ease", _i), ("procrustes", _b), ("stagger", _d), ("stagger_by", _i),
                ("camera_from", Camera), ("camera_to", Camera), ("path_ease", _i)]


class Option(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("arg", _i), ("letter", _i), ("key", _i)]


class JobProgress(ctypes.Structure):
    _fields_ = [("frame", ctypes.c_long), ("total", ctypes.c_long), ("done", ctypes.c_long),
                ("todo", ctypes.c_long), ("rendered", ctypes.c_size_t), ("skipped", ctypes.c_long),
                ("elapsed", _d), ("render_s", _d), ("final", _b)]


# ap_job_hooks' callbacks
PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(JobProgress))


class JobHooks(ctypes.Structure):
    _fields_ = [("log", ctypes.c_void_p), ("warn", ctypes.c_void_p), ("progress", ctypes.c_void_p),
                ("ready", ctypes.c_void_p), ("user", ctypes.c_void_p), ("stop", ctypes.c_void_p),
                ("out", ctypes.c_void_p), ("command_line", ctypes.c_char_p)]


class GridDesc(ctypes.Structure):
    _fields_ = [("cols", ctypes.c_size_t), ("rows", ctypes.c_size_t), ("method", _i)]


lib, path = _load()
_P = ctypes.POINTER
_vp, _sz = ctypes.c_void_p, ctypes.c_size_t
for name, res, args in [
    ("ap_dataset_make", _vp, [_P(DatasetDesc), _P(Error)]),
    ("ap_dataset_count", _sz, [_vp]),
    ("ap_dataset_free", None, [_vp]),
    ("ap_scene_make", _vp, [_vp, _P(SceneDesc), _P(Error)]),
    ("ap_scene_size", None, [_vp, _P(_i), _P(_i)]),
    ("ap_scene_draw", _i, [_vp, _P(Camera), _vp, _sz, _P(Error)]),
    ("ap_scene_set_transition", _i, [_vp, _P(TransitionDesc), _P(Error)]),
    ("ap_scene_draw_transition", _i, [_vp, _d, _P(Camera), _vp, _sz, _P(Error)]),
    ("ap_scene_write", _i, [_vp, _P(Camera), ctypes.c_char_p, ctypes.c_char_p, _P(Error)]),
    ("ap_scene_free", None, [_vp]),
    ("ap_png_write", _i, [ctypes.c_char_p, _vp, _i, _i, _i, _P(Error)]),
    ("ap_png_encode", _i, [_vp, _i, _i, _i, _P(_vp), _P(_sz), _P(Error)]),
    ("ap_job_make", _vp, [ctypes.c_char_p, _P(Error)]),
    ("ap_job_options", _P(Option), [ctypes.c_char_p, _P(_sz)]),
    ("ap_job_help", _vp, [ctypes.c_char_p]),
    ("ap_job_set", _i, [_vp, ctypes.c_char_p, ctypes.c_char_p, _P(Error)]),
    ("ap_job_check", _i, [_vp, _P(Error)]),
    ("ap_job_run", _i, [_vp, _P(JobHooks), _P(Error)]),
    ("ap_job_free", None, [_vp]),
    ("ap_grid", _i, [_P(Array), _P(GridDesc), _vp, _sz, _P(_d), _P(_sz), _P(_sz), _P(Error)]),
    ("ap_free", None, [_vp]),
    ("ap_color_parse", _i, [ctypes.c_char_p, _P(_u32)]),
    ("ap_version", ctypes.c_char_p, []),
]:
    f = getattr(lib, name)
    f.restype = res
    f.argtypes = args
