"""`load_motion(path)`: every supported motion file → canonical Motion, dispatched by suffix and array shape.

Accepted: .npy (T, 22, 3) canonical joints at 20 fps | .npy (T, 263) HumanML3D vectors | .npy (T, 33, 3|4)
BlazePose world landmarks (needs fps) | .npy (T, J>=22, 3) with format="babel" (AMASS z-up, 30 fps) |
.bvh | .amc with its .asf skeleton | DeepMimic .txt/.json clips. `save_motion` writes the canonical .npy
atomically.
"""

import zipfile
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..errors import MotionError
from .formats.asf_amc import AMC_FPS, find_skeleton, read_asf_amc
from .formats.babel import BABEL_FPS, read_babel
from .formats.blazepose import NUM_LANDMARKS, read_blazepose
from .formats.bvh import read_bvh
from .formats.deepmimic import read_deepmimic
from .formats.humanml3d import VEC_DIM, read_humanml3d
from .motion import CANONICAL_FPS, Motion
from .skeleton import NUM_JOINTS
from .transforms import resample

ACCEPTED = (
    ".npy of shape (T, 22, 3) joints at 20 fps, (T, 263) HumanML3D vectors or (T, 33, 3|4) BlazePose landmarks "
    "(give fps); .npy with format='babel'; .bvh; .amc with its .asf skeleton; DeepMimic .txt/.json"
)
FORMATS = ("babel",)
NPY_MAGIC = b"\x93NUMPY"


def read_npy(path: Path) -> np.ndarray:
    """A numeric array from an .npy file (never unpickles), or MotionError."""
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:2] == b"PK" or zipfile.is_zipfile(path):
        raise MotionError(f"{path}: a zip archive (.npz?) named .npy; save one array with numpy.save")
    if magic != NPY_MAGIC:
        raise MotionError(f"{path}: not an .npy file (it does not start with numpy's header); accepted: {ACCEPTED}")
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as err:
        raise MotionError(f"{path}: not a readable .npy array ({err}); accepted: {ACCEPTED}") from err
    if not np.issubdtype(array.dtype, np.number):
        raise MotionError(f"{path}: array dtype {array.dtype}; expected numbers")
    return array


def motion_from_array(array: np.ndarray, source: str, fps: float | None = None, fmt: str | None = None) -> Motion:
    """Dispatch an array by its shape (or by `fmt`) to the matching reader."""
    if fmt == "babel":
        return read_babel(array, fps or BABEL_FPS, source)
    shape = array.shape
    if array.ndim == 3 and shape[1:] == (NUM_JOINTS, 3):
        return resample(Motion(array, fps or CANONICAL_FPS, source_fps=fps or None), CANONICAL_FPS)
    if array.ndim == 2 and shape[1] == VEC_DIM:
        return read_humanml3d(array, source)
    if array.ndim == 3 and shape[1] == NUM_LANDMARKS and shape[2] in (3, 4):
        if fps is None:
            raise MotionError(f"{source}: BlazePose landmarks {shape} carry no frame rate; pass fps (e.g. --fps 30)")
        return read_blazepose(array, fps, source)
    raise MotionError(f"{source}: array of shape {shape} is not a known motion; accepted: {ACCEPTED}")


def load_motion(path: str | Path, fps: float | None = None, format: str | None = None,
                skeleton: str | Path | None = None) -> Motion:
    """Read any supported motion file into a canonical Motion (joints [T, 22, 3], y-up, metres, 20 fps), keeping
    the file's own frame rate as `source_fps`.

    fps: the file's frame rate where the file does not say it (BlazePose arrays, AMC: 120; overrides .npy defaults).
    format: "babel" for BABEL-QA/AMASS joints.npy; otherwise inferred from suffix and shape.
    skeleton: an .amc file's ASF skeleton (default: <stem>.asf, <subject>.asf or the only .asf beside it).
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise MotionError(f"unknown motion format {format!r}; accepted: {FORMATS} or none (inferred)")
    if not path.is_file():
        raise MotionError(f"{path}: no such motion file")
    if path.stat().st_size == 0:
        raise MotionError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if skeleton is not None and suffix != ".amc":
        raise MotionError(f"{path}: skeleton= names the ASF of an .amc motion; a {suffix!r} file needs none")
    if suffix == ".amc":
        return read_asf_amc(path, find_skeleton(path, skeleton), AMC_FPS if fps is None else fps)
    if suffix == ".asf":
        raise MotionError(f"{path}: an ASF file holds a skeleton, no motion; load the .amc that moves it")
    if suffix == ".npy":
        return motion_from_array(read_npy(path), str(path), fps, format)
    if suffix == ".bvh":
        return read_bvh(path)
    if suffix in (".txt", ".json"):
        return read_deepmimic(path)
    raise MotionError(f"{path}: unknown motion file type {suffix!r}; accepted: {ACCEPTED}")


def save_motion(motion: Motion, path: str | Path) -> Path:
    """Write canonical joints float32 [T, 22, 3] at 20 fps to an .npy file, atomically (temp file + rename)."""
    path = Path(path)
    if path.suffix != ".npy":
        raise MotionError(f"{path}: motions are saved as .npy")
    joints = resample(motion, CANONICAL_FPS).joints
    return atomic_write(path, lambda f: np.save(f, np.ascontiguousarray(joints, np.float32)))
