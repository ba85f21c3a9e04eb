"""Tests for the BVH reader: parsing, forward kinematics, name mapping, units and errors, on BVH text built here."""

import numpy as np
import pytest

from llamo.errors import MotionError
from llamo.motion.formats.bvh import forward_kinematics, parse_bvh, read_bvh
from llamo.motion.skeleton import JOINT_INDEX
from llamo.motion.transforms import heading

ROTATION_ORDER = "Zrotation Xrotation Yrotation"
HIP_HEIGHT = 0.95  # metres; the head joint stands 1.52 m above the toes, the head's End Site 1.67 m


def _leg(side: str, sign: int, toes: bool) -> tuple:
    foot_end = [("", (0.0, 0.0, 0.05), [])]
    toe = [(f"{side}ToeBase", (0.0, -0.06, 0.12), foot_end)] if toes else [("", (0.0, -0.06, 0.12), [])]
    shin = [(f"{side}Foot", (0.0, -0.42, 0.0), toe)]
    thigh = [(f"{side}Leg", (0.0, -0.42, 0.0), shin)]
    return (f"{side[0]}HipJoint", (0.0, 0.0, 0.0), [(f"{side}UpLeg", (sign * 0.09, -0.05, 0.0), thigh)])


def _arm(side: str, sign: int) -> tuple:
    hand = [(f"{side}Hand", (sign * 0.25, 0.0, 0.0), [("", (sign * 0.10, 0.0, 0.0), [])])]
    arm = [(f"{side}Arm", (sign * 0.14, 0.02, 0.0), [(f"{side}ForeArm", (sign * 0.28, 0.0, 0.0), hand)])]
    return (f"{side}Shoulder", (sign * 0.04, 0.16, 0.0), arm)


def cmu_skeleton(toes: bool = True) -> tuple:
    """A CMU-named standing figure in metres, y-up, facing +z with its left side at +x: (name, offset, children)."""
    head = [("Head", (0.0, 0.06, 0.0), [("", (0.0, 0.15, 0.0), [])])]
    neck = ("Neck", (0.0, 0.20, 0.0), [("Neck1", (0.0, 0.05, 0.0), head)])
    chest = ("Spine1", (0.0, 0.14, 0.0), [neck, _arm("Left", 1), _arm("Right", -1)])
    back = ("LowerBack", (0.0, 0.0, 0.0), [("Spine", (0.0, 0.12, 0.0), [chest])])
    return ("Hips", (0.0, 0.0, 0.0), [_leg("Left", 1, toes), _leg("Right", -1, toes), back])


def hierarchy_lines(node: tuple, units: float, order: str, rename, depth: int = 0) -> list[str]:
    name, offset, children = node
    pad = "  " * depth
    header = f"{'ROOT' if depth == 0 else 'JOINT'} {rename(name)}" if name else "End Site"
    lines = [pad + header, pad + "{", pad + "  OFFSET " + " ".join(f"{v * units:.6f}" for v in offset)]
    if name:
        lines.append(pad + ("  CHANNELS 6 Xposition Yposition Zposition " if depth == 0 else "  CHANNELS 3 ") + order)
    for child in children:
        lines += hierarchy_lines(child, units, order, rename, depth + 1)
    return lines + [pad + "}"]


def joint_order(node: tuple) -> list[str]:
    name, _, children = node
    return ([name] if name else []) + [n for child in children for n in joint_order(child)]


def cmu_bvh(num_frames: int = 31, frame_time: float = 1 / 30, units: float = 100.0, rename=lambda n: n,
            toes: bool = True) -> str:
    """BVH text of `cmu_skeleton` walking along +z at 0.3 m/s while its left knee bends to 60°.
    units: file units per metre (100 = centimetres); rename: maps each joint name to the one written."""
    skeleton = cmu_skeleton(toes)
    names = joint_order(skeleton)
    frames = np.zeros((num_frames, 6 + 3 * (len(names) - 1)))  # [T, C]: root 6 channels, then 3 per joint
    t = np.arange(num_frames) * frame_time
    frames[:, 1], frames[:, 2] = HIP_HEIGHT * units, 0.3 * t * units
    knee_x = 6 + 3 * (names.index("LeftLeg") - 1) + 1  # Xrotation is the second of ZXY
    frames[:, knee_x] = 60.0 * t / t[-1]
    rows = [" ".join(f"{v:.6f}" for v in row) for row in frames]
    lines = ["HIERARCHY", *hierarchy_lines(skeleton, units, ROTATION_ORDER, rename), "MOTION",
             f"Frames: {num_frames}", f"Frame Time: {frame_time:.8f}", *rows]
    return "\n".join(lines) + "\n"


def write(tmp_path, text: str, name: str = "clip.bvh"):
    path = tmp_path / name
    path.write_text(text)
    return path


def rotation(axis: str, degrees: float) -> np.ndarray:
    """Hand-written right-handed rotation matrices."""
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    return {"X": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]), "Y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            "Z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis]


def chain_bvh(root_channels: str, root_values: str, child_channels: str = "", child_values: str = "") -> str:
    """root → child (offset 1 0 0) → End Site (offset 0 1 0), one frame."""
    child = f"CHANNELS {len(child_channels.split())} {child_channels}" if child_channels else ""
    return f"""HIERARCHY
ROOT root
{{
  OFFSET 0 0 0
  CHANNELS {len(root_channels.split())} {root_channels}
  JOINT child
  {{
    OFFSET 1 0 0
    {child}
    End Site
    {{
      OFFSET 0 1 0
    }}
  }}
}}
MOTION
Frames: 1
Frame Time: 0.1
{root_values} {child_values}
"""


@pytest.fixture
def reference(tmp_path):
    return read_bvh(write(tmp_path, cmu_bvh(), "reference.bvh"))


@pytest.mark.parametrize("fps", [30, 120])
def test_shape_and_resampling(tmp_path, fps):
    motion = read_bvh(write(tmp_path, cmu_bvh(num_frames=fps + 1, frame_time=1 / fps)))
    assert motion.joints.shape == (21, 22, 3)  # 1 s at 20 fps
    assert motion.fps == 20.0 and motion.joints.dtype == np.float32 and motion.source_fps == fps


def test_height_orientation_and_motion(reference):
    joints = reference.joints
    feet = [JOINT_INDEX[n] for n in ("l_ankle", "r_ankle", "l_foot", "r_foot")]
    assert 1.4 <= joints[0, JOINT_INDEX["head"], 1] - joints[0, feet, 1].min() <= 2.0
    for part in ("hip", "shoulder", "wrist", "ankle"):
        assert joints[0, JOINT_INDEX[f"l_{part}"], 0] > 0 > joints[0, JOINT_INDEX[f"r_{part}"], 0]
    assert abs(heading(joints[0].astype(np.float64))) < 1e-5  # facing +z
    np.testing.assert_allclose(joints[:, 0, 2], 0.3 * np.arange(21) / 20, atol=1e-5)  # root walks along +z


def test_knee_bend_moves_the_left_ankle_back(reference):
    first, last = reference.joints[0].astype(np.float64), reference.joints[-1].astype(np.float64)
    knee, ankle = JOINT_INDEX["l_knee"], JOINT_INDEX["l_ankle"]
    shin = last[ankle] - last[knee]
    np.testing.assert_allclose(shin, 0.42 * np.array([0.0, -np.cos(np.pi / 3), -np.sin(np.pi / 3)]), atol=1e-5)
    right = [JOINT_INDEX[n] for n in ("r_knee", "r_ankle")]
    np.testing.assert_allclose(last[right] - last[0], first[right] - first[0], atol=1e-5)


def test_forward_kinematics_by_hand():
    text = chain_bvh("Xposition Yposition Zposition Yrotation", "1 2 3 90", "Zrotation", "90")
    joints, frames, frame_time = parse_bvh(text)
    positions = forward_kinematics(joints, frames)[0]  # [3, 3]
    assert frame_time == 0.1 and [j.name for j in joints] == ["root", "child", "child End Site"]
    # Yrotation 90 turns the child's +x offset to -z; the child's Zrotation 90 turns its +y End Site to -x,
    # which the root's turn maps to +z.
    np.testing.assert_allclose(positions, [[1, 2, 3], [1, 2, 2], [1, 2, 3]], atol=1e-9)


def test_channel_order_matters():
    angles = {"X": 45.0, "Y": 60.0, "Z": 30.0}
    results = {}
    for order in ("ZXY", "XYZ"):
        channels = " ".join(f"{axis}rotation" for axis in order)
        text = chain_bvh(channels, " ".join(str(angles[a]) for a in order))
        positions = forward_kinematics(*parse_bvh(text)[:2])[0]
        first, second, third = (rotation(axis, angles[axis]) for axis in order)
        expected = first @ second @ third
        np.testing.assert_allclose(positions[1], expected @ [1, 0, 0], atol=1e-9)
        np.testing.assert_allclose(positions[2], expected @ [1, 1, 0], atol=1e-9)
        results[order] = positions
    assert not np.allclose(results["ZXY"], results["XYZ"], atol=1e-3)


@pytest.mark.parametrize("units", [1.0, 1 / 0.0254, 0.45 / 0.0254], ids=["metres", "inches", "cmu"])
def test_unit_detection(tmp_path, reference, units):
    motion = read_bvh(write(tmp_path, cmu_bvh(units=units)))
    np.testing.assert_allclose(motion.joints, reference.joints, atol=1e-4)


def test_absurd_units_need_scale(tmp_path, reference):
    path = write(tmp_path, cmu_bvh(units=1000.0))  # millimetres: outside every detected range
    with pytest.raises(MotionError, match=r"1520 units.*scale="):
        read_bvh(path)
    np.testing.assert_allclose(read_bvh(path, scale=0.001).joints, reference.joints, atol=1e-4)
    with pytest.raises(MotionError, match="scale=-1"):
        read_bvh(path, scale=-1)


@pytest.mark.parametrize("rename", [lambda n: "mixamorig:" + n, str.upper, str.lower], ids=["mixamo", "upper", "lower"])
def test_name_variants(tmp_path, reference, rename):
    motion = read_bvh(write(tmp_path, cmu_bvh(rename=rename)))
    np.testing.assert_allclose(motion.joints, reference.joints, atol=1e-6)


def test_smpl_names_map_spine_directly(tmp_path):
    smpl = {"Hips": "Pelvis", "LowerBack": "Spine1", "Spine": "Spine2", "Spine1": "Spine3", "LeftUpLeg": "L_Hip",
            "LeftLeg": "L_Knee", "LeftFoot": "L_Ankle", "LeftToeBase": "L_Foot", "LeftShoulder": "L_Collar",
            "LeftArm": "L_Shoulder", "LeftForeArm": "L_Elbow", "LeftHand": "L_Wrist"}
    smpl |= {k.replace("Left", "Right"): v.replace("L_", "R_") for k, v in smpl.items() if "Left" in k}
    joints = read_bvh(write(tmp_path, cmu_bvh(rename=lambda n: smpl.get(n, n)))).joints[0]
    pelvis_y = joints[0, 1]
    heights = [joints[JOINT_INDEX[n], 1] - pelvis_y for n in ("spine1", "spine2", "spine3")]
    np.testing.assert_allclose(heights, [0.0, 0.12, 0.26], atol=1e-5)  # LowerBack, Spine, Spine1


def test_spine_interpolated_along_cmu_chain(reference):
    joints = reference.joints[0].astype(np.float64)
    heights = [joints[JOINT_INDEX[n], 1] - joints[0, 1] for n in ("spine1", "spine2", "spine3", "neck")]
    # Pelvis → Spine (0.12) → Spine1 (0.14) → Neck (0.20): 0.46 long, cut at 1/4, 1/2, 3/4.
    np.testing.assert_allclose(heights, [0.115, 0.23, 0.345, 0.46], atol=1e-5)


def test_feet_fall_back_to_end_sites(tmp_path):
    joints = read_bvh(write(tmp_path, cmu_bvh(toes=False))).joints[0].astype(np.float64)
    toe = joints[JOINT_INDEX["l_foot"]] - joints[JOINT_INDEX["l_ankle"]]
    np.testing.assert_allclose(toe, [0.0, -0.06, 0.12], atol=1e-5)


def test_unknown_names_map_by_structure(tmp_path, reference):
    path = write(tmp_path, cmu_bvh(rename=lambda n: {"LeftForeArm": "Forearm_L", "Head": "Skull"}.get(n, n)))
    np.testing.assert_allclose(read_bvh(path).joints, reference.joints, atol=1e-6)


def test_truncated_row(tmp_path):
    text = cmu_bvh().rstrip("\n")
    with pytest.raises(MotionError, match="frame 30 has .* values; the HIERARCHY declares 78"):
        read_bvh(write(tmp_path, text[: text.rfind(" ")]))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("HIERARCHY", ""), "HIERARCHY section"),
        (lambda t: t[: t.index("MOTION")], "MOTION section"),
        (lambda t: t.replace("Frames: 31", "Frames: 32"), "'Frames: 32' but 31 frame rows"),
        (lambda t: t[: t.index("Frame Time")] + "Frame Time: 0.03333333\n", "no frames"),
        (lambda t: t.replace("Frame Time: 0.03333333", "Frame Time: 0"), "Frame Time is 0"),
        (lambda t: t.replace("Frame Time: 0.03333333", "Frame Time: fast"), "expected 'Frame Time: <number>'"),
        (lambda t: t.replace("\n0.000000 95.000000", "\nabc 95.000000", 1), "non-numeric"),
        (lambda t: t.replace("OFFSET", "OFFSTE", 1), "line 4 .*unknown keyword"),
        (lambda t: t.replace("CHANNELS 3 Zrotation", "CHANNELS 3 Wrotation", 1), "Wrotation.*known"),
        (lambda t: t.replace("CHANNELS 3 Zrotation", "CHANNELS 4 Zrotation", 1), "CHANNELS says 4"),
    ],
    ids=["no-hierarchy", "no-motion", "frame-count", "zero-frames", "zero-frame-time", "bad-frame-time",
         "non-numeric", "bad-keyword", "bad-channel", "channel-count"],
)
def test_malformed_files(tmp_path, edit, message):
    path = write(tmp_path, edit(cmu_bvh()))
    with pytest.raises(MotionError, match=message) as error:
        read_bvh(path)
    assert str(path) in str(error.value)


def test_unreadable_files(tmp_path):
    binary = tmp_path / "image.bvh"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    with pytest.raises(MotionError, match="not UTF-8 text"):
        read_bvh(binary)
    with pytest.raises(MotionError, match="cannot read the file"):
        read_bvh(tmp_path / "missing.bvh")


def test_too_short_a_clip(tmp_path):
    with pytest.raises(MotionError, match="lasts 0.0333 s"):
        read_bvh(write(tmp_path, cmu_bvh(num_frames=2)))
