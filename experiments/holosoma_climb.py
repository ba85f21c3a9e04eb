"""Real recordings no training split has seen: holosoma-retargeting's five climbing captures as canonical motions.

    pip download --no-deps holosoma-retargeting -d /tmp/holo      # a 100 MB wheel from PyPI; not a dependency
    python experiments/holosoma_climb.py /tmp/holo/holosoma_retargeting-0.1.0-py3-none-any.whl --out runs/climb
    llamo ask runs/climb/climb_0.npy "What is the person doing?"

Each capture is (T, 53, 3) joint positions in metres, z-up, 120 fps (the package's own demo downsamples by 4 to
30 fps), with its joint names in the package's `config_types/data_type.py` (MOCAP_DEMO_JOINTS, Mixamo names
without the `mixamorig:` prefix). A person climbs onto boxes, which no file carries. The 20 body joints are mapped
onto the canonical 22 by llamo's own structure mapping (`map_skeleton` on the first frame as the rest pose, as
for a BVH), then resampled to 20 fps and written with `save_motion`.
"""

import argparse
import io
import re
import zipfile
from pathlib import Path

import numpy as np

from llamo.motion import Motion, resample
from llamo.motion.formats.skeleton_map import JointTree, map_skeleton, to_canonical
from llamo.motion.io import save_motion
from llamo.motion.transforms import to_y_up

SOURCE_FPS = 120.0
# Parent of each body joint in the capture (Mixamo's hierarchy); fingers and the FootMod points are left out.
PARENTS = {"Hips": None, "Spine": "Hips", "Spine1": "Spine", "Neck": "Spine1", "Head": "Neck",
           "LeftShoulder": "Spine1", "LeftArm": "LeftShoulder", "LeftForeArm": "LeftArm", "LeftHand": "LeftForeArm",
           "RightShoulder": "Spine1", "RightArm": "RightShoulder", "RightForeArm": "RightArm",
           "RightHand": "RightForeArm", "LeftUpLeg": "Hips", "LeftLeg": "LeftUpLeg", "LeftFoot": "LeftLeg",
           "LeftToeBase": "LeftFoot", "RightUpLeg": "Hips", "RightLeg": "RightUpLeg", "RightFoot": "RightLeg",
           "RightToeBase": "RightFoot"}


def joint_names(wheel: zipfile.ZipFile) -> list[str]:
    """MOCAP_DEMO_JOINTS as the package lists it: the 53 names in the captures' order."""
    source = wheel.read("holosoma_retargeting/config_types/data_type.py").decode()
    block = re.search(r"MOCAP_DEMO_JOINTS = \[(.*?)\]", source, re.S).group(1)
    return re.findall(r'"([^"]+)"', block)


def to_motion(positions: np.ndarray, names: list[str], source: str) -> Motion:
    """Capture positions [T, 53, 3] (z-up, 120 fps) → a canonical Motion [T', 22, 3] at 20 fps."""
    body = list(PARENTS)
    index = {name: i for i, name in enumerate(body)}
    tree = JointTree(tuple(body), tuple(-1 if PARENTS[n] is None else index[PARENTS[n]] for n in body),
                     (True,) * len(body))
    points = to_y_up(positions[:, [names.index(n) for n in body]].astype(np.float64), "z")  # [T, 21, 3]
    mapping = map_skeleton(tree, points[0], source)
    joints = to_canonical(points, mapping)  # [T, 22, 3]
    return resample(Motion(joints.astype(np.float32), fps=SOURCE_FPS, source_fps=SOURCE_FPS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--out", type=Path, default=Path("runs/climb"))
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        names = joint_names(wheel)
        captures = sorted(n for n in wheel.namelist() if n.endswith(".npy") and "joint_positions" in n)
        for k, member in enumerate(captures):
            positions = np.load(io.BytesIO(wheel.read(member)))
            motion = to_motion(positions, names, member)
            path = save_motion(motion, args.out / f"climb_{k}.npy")
            print(f"{path}: {Path(member).name} {positions.shape} -> {motion.joints.shape}, {motion.duration:.1f} s")


if __name__ == "__main__":
    main()
