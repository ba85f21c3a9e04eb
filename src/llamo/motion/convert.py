"""A folder of motion files → canonical .npy files (`llamo data convert DIR --out OUT`): a CMU download, a Mixamo
export, a lab's BVH takes. Every motion file under the folder is read by `load_motion` and written to the same
relative path under OUT with the suffix .npy; a file that cannot be read is reported with its reason, never
half-written, and does not stop the others. OUT/convert.json lists both.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_write
from ..errors import LlamoError, MotionError
from .io import load_motion, save_motion

FOLDER_SUFFIXES = (".npy", ".bvh", ".amc", ".txt", ".json")  # .asf skeletons are read with their .amc
REPORT = "convert.json"


@dataclass
class Converted:
    """What a folder conversion did: converted [{"source", "out", "frames", "source_fps"}] and failed
    [{"source", "error"}], sources relative to the folder."""

    converted: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)


def motion_files(folder: Path, out: Path) -> list[Path]:
    """The motion files under `folder` (recursive, sorted), outside `out` and without llamo's own report."""
    out = out.resolve()
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES
                  and p.name != REPORT and out not in p.resolve().parents)


def planned_outputs(folder: Path, out: Path, files: list[Path]) -> dict[Path, Path]:
    """source → OUT/<relative path>.npy; two sources that would write the same file are an error, found before
    anything is written."""
    targets: dict[Path, Path] = {}
    for source in files:
        target = out / source.relative_to(folder).with_suffix(".npy")
        clash = next((s for s, t in targets.items() if t == target), None)
        if clash is not None:
            raise MotionError(f"{clash} and {source} would both be written to {target}; convert one of them on its "
                              "own (llamo data convert FILE --out FILE.npy)")
        targets[source] = target
    return targets


def convert_folder(folder: str | Path, out: str | Path, fps: float | None = None, format: str | None = None
                   ) -> Converted:
    """Convert every motion file under `folder` into `out` (see the module doc); fps and format apply to every
    file, as for one. MotionError when the folder holds no motion file or none could be read."""
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise MotionError(f"{folder}: no such folder")
    files = motion_files(folder, out)
    if not files:
        raise MotionError(f"{folder}: no motion files; accepted: {', '.join(FOLDER_SUFFIXES)} (an .amc with its "
                          ".asf), in the folder or below it")
    done = Converted()
    for source, target in planned_outputs(folder, out, files).items():
        relative = str(source.relative_to(folder))
        try:
            motion = load_motion(source, fps=fps, format=format)
        except LlamoError as err:
            done.failed.append({"source": relative, "error": str(err)})
            continue
        except Exception as err:  # a reader's unforeseen failure is the file's fault: reported, the rest go on
            done.failed.append({"source": relative, "error": f"could not be read ({type(err).__name__}: {err})"})
            continue
        save_motion(motion, target)
        done.converted.append({"source": relative, "out": str(target.relative_to(out)),
                               "frames": motion.num_frames, "source_fps": motion.source_fps})
    text = json.dumps({"converted": done.converted, "failed": done.failed}, indent=1) + "\n"
    atomic_write(out / REPORT, lambda f: f.write(text.encode("utf-8")))
    if not done.converted:
        raise MotionError(f"{folder}: none of its {len(files)} motion files could be read (reasons in "
                          f"{out / REPORT}); first: {done.failed[0]['source']}: {done.failed[0]['error']}")
    return done
