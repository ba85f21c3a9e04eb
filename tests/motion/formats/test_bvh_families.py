"""BVH naming families read by structure: each family's skeleton is written here in its own layout (names, extra
bones, channel order, units), animated with random rotations, and the reader's 22 joints are checked against a
forward kinematics written here, independently of the reader."""

import numpy as np
import pytest

from llamo.motion.formats.bvh import read_bvh
from llamo.motion.skeleton import JOINT_INDEX, JOINT_NAMES

FPS = 60  # 3 file frames per canonical frame: the reader's resampling lands exactly on every third frame
END = ""  # the name of an End Site in a skeleton description
MAX_ERROR = 1e-3  # metres


def chain(links: list, end=None, extra: dict | None = None) -> tuple:
    """Nested (name, offset, children) for links [(name, offset)] each the parent of the next; `end`: the last
    link's End Site offset; extra: name → further child subtrees of that link (fingers, twist bones, props)."""
    children = [(END, end, [])] if end is not None else []
    for name, offset in reversed(links):
        children = children + list((extra or {}).get(name, []))
        children = [(name, offset, children)]
    return children[0]


def leg(names: list[str], s: int, hip=(0.09, -0.06, 0.0), extra=None) -> tuple:
    """hip, knee, ankle, toe (and any further names) of a straight leg on side s (+1 left, -1 right)."""
    offsets = [(s * hip[0], hip[1], hip[2]), (0.0, -0.42, 0.0), (0.0, -0.42, 0.0), (0.0, -0.05, 0.13),
               (0.0, 0.0, 0.05)]
    end = (0.0, 0.0, 0.04) if len(names) > 3 else (0.0, -0.05, 0.13)
    return chain(list(zip(names, offsets)), end=end, extra=extra)


def arm(names: list[str], s: int, bones=(0.15, 0.28, 0.25), collar=(0.03, 0.08, 0.0), droop: float = 0.0,
        extra=None, hand_end: bool = True) -> tuple:
    """collar start, shoulder, elbow, wrist, (hand) of an arm held out sideways, `droop` degrees below level."""
    d = np.array([s * np.cos(np.deg2rad(droop)), -np.sin(np.deg2rad(droop)), 0.0])
    offsets = [(s * collar[0], collar[1], collar[2])] + [tuple(length * d) for length in bones]
    return chain(list(zip(names, offsets)), end=tuple(0.08 * d) if hand_end else None, extra=extra)


def side_leaf(name: str, offset: tuple) -> tuple:
    """A one-joint side bone (twist, roll, prop) with its End Site."""
    return chain([(name, offset)], end=(0.0, 0.0, 0.02))


def fingers(name, s: int, digits: list[str]) -> list:
    """Three-joint finger chains leaving a hand, fanned out in z; name(digit, k) spells each joint."""
    return [chain([(name(digit, k), (s * (0.09 if k == 1 else 0.035), 0.0, 0.02 * (i - 1))) for k in (1, 2, 3)],
                  end=(s * 0.025, 0.0, 0.0)) for i, digit in enumerate(digits)]


def cmu() -> tuple:
    """cgspeed's conversion of the CMU database, offsets as in its files (×0.0564 m): hip joints, neck and collar
    bones (LeftShoulder) all starting where their parent does, CMU's short forearm, finger base and thumb at the
    hand, legs splayed 20° as CMU's femurs are."""
    def side(s, L, Side):
        leg_chain = chain([(f"{L}HipJoint", (0.0, 0.0, 0.0)), (f"{Side}UpLeg", (s * 0.105, -0.098, 0.048)),
                           (f"{Side}Leg", (s * 0.134, -0.367, 0.0)), (f"{Side}Foot", (s * 0.143, -0.393, 0.0)),
                           (f"{Side}ToeBase", (s * 0.009, -0.025, 0.11))], end=(0.0, 0.0, 0.057))
        hand = {f"{Side}Hand": [chain([(f"{Side}FingerBase", (0.0, 0.0, 0.0)),
                                       (f"{Side}HandIndex1", (s * 0.045, 0.0, 0.0))], end=(s * 0.036, 0.0, 0.0)),
                                chain([(f"{L}Thumb", (0.0, 0.0, 0.0))], end=(s * 0.037, 0.0, 0.037))]}
        arm_chain = chain([(f"{Side}Shoulder", (0.0, 0.0, 0.0)), (f"{Side}Arm", (s * 0.185, 0.048, 0.003)),
                           (f"{Side}ForeArm", (s * 0.28, 0.0, 0.0)), (f"{Side}Hand", (s * 0.19, 0.0, 0.0))],
                          extra=hand)
        return leg_chain, arm_chain
    (ll, la), (rl, ra) = side(1, "L", "Left"), side(-1, "R", "Right")
    head = chain([("Neck", (0.0, 0.0, 0.0)), ("Neck1", (-0.007, 0.081, 0.016)), ("Head", (0.01, 0.083, -0.018))],
                 end=(0.004, 0.086, -0.008))
    back = chain([("LowerBack", (0.0, 0.0, 0.0)), ("Spine", (-0.001, 0.126, -0.002)),
                  ("Spine1", (0.003, 0.124, -0.011))], extra={"Spine1": [head, la, ra]})
    return ("Hips", (0.0, 0.95, 0.0), [ll, rl, back])


def mixamo() -> tuple:
    """Mixamo: every name prefixed 'mixamorig:', toe-end and head-top joints, fingers, arms in an A-pose."""
    p = "mixamorig:"
    def side(s, Side):
        hand = {f"{p}{Side}Hand": fingers(lambda d, k: f"{p}{Side}Hand{d}{k}", s, ["Thumb", "Index", "Middle"])}
        return (leg([f"{p}{Side}UpLeg", f"{p}{Side}Leg", f"{p}{Side}Foot", f"{p}{Side}ToeBase",
                     f"{p}{Side}Toe_End"], s),
                arm([f"{p}{Side}Shoulder", f"{p}{Side}Arm", f"{p}{Side}ForeArm", f"{p}{Side}Hand"], s,
                    (0.14, 0.27, 0.26), droop=40.0, extra=hand, hand_end=False))
    (ll, la), (rl, ra) = side(1, "Left"), side(-1, "Right")
    head = chain([(f"{p}Neck", (0.0, 0.12, 0.01)), (f"{p}Head", (0.0, 0.1, 0.02)),
                  (f"{p}HeadTop_End", (0.0, 0.18, 0.02))], end=(0.0, 0.02, 0.0))
    spine = chain([(f"{p}Spine", (0.0, 0.1, 0.0)), (f"{p}Spine1", (0.0, 0.12, 0.0)), (f"{p}Spine2", (0.0, 0.13, 0.0))],
                  extra={f"{p}Spine2": [head, la, ra]})
    return (f"{p}Hips", (0.0, 0.95, 0.0), [spine, ll, rl])


def motionbuilder() -> tuple:
    """MotionBuilder (HumanIK): 'Character1_' names under a Reference root on the floor, a Hips with position
    channels of its own, roll bones beside the arm bones, no fingers."""
    c = "Character1_"
    def side(s, Side):
        rolls = {f"{c}{Side}Arm": [side_leaf(f"{c}{Side}ArmRoll", (s * 0.14, 0.0, 0.0))],
                 f"{c}{Side}ForeArm": [side_leaf(f"{c}{Side}ForeArmRoll", (s * 0.12, 0.0, 0.0))]}
        return (leg([f"{c}{Side}UpLeg", f"{c}{Side}Leg", f"{c}{Side}Foot", f"{c}{Side}ToeBase"], s),
                arm([f"{c}{Side}Shoulder", f"{c}{Side}Arm", f"{c}{Side}ForeArm", f"{c}{Side}Hand"], s, extra=rolls))
    (ll, la), (rl, ra) = side(1, "Left"), side(-1, "Right")
    head = chain([(f"{c}Neck", (0.0, 0.12, 0.0)), (f"{c}Head", (0.0, 0.1, 0.0))], end=(0.0, 0.17, 0.0))
    spine = chain([(f"{c}Spine", (0.0, 0.1, 0.0)), (f"{c}Spine1", (0.0, 0.12, 0.0)), (f"{c}Spine2", (0.0, 0.12, 0.0))],
                  extra={f"{c}Spine2": [head, la, ra]})
    return (f"{c}Reference", (0.0, 0.0, 0.0), [(f"{c}Hips", (0.0, 0.95, 0.0), [ll, rl, spine])])


def biped() -> tuple:
    """3ds Max Biped: 'Bip01' root, thighs hung off the first spine bone, clavicles off the neck, twist bones,
    nub joints, a one-finger hand and the Footsteps prop on the floor."""
    b = "Bip01 "
    def side(s, L):
        extra = {f"{b}{L} UpperArm": [side_leaf(f"{b}{L} UpArmTwist", (s * 0.1, 0.0, 0.0))],
                 f"{b}{L} Hand": [chain([(f"{b}{L} Finger0", (s * 0.09, 0.0, 0.02)),
                                         (f"{b}{L} Finger0Nub", (s * 0.04, 0.0, 0.0))], end=(s * 0.02, 0.0, 0.0))]}
        return (leg([f"{b}{L} Thigh", f"{b}{L} Calf", f"{b}{L} Foot", f"{b}{L} Toe0", f"{b}{L} Toe0Nub"], s,
                    hip=(0.09, -0.14, 0.0)),
                arm([f"{b}{L} Clavicle", f"{b}{L} UpperArm", f"{b}{L} Forearm", f"{b}{L} Hand"], s,
                    collar=(0.03, 0.0, -0.02), extra=extra, hand_end=False))
    (ll, la), (rl, ra) = side(1, "L"), side(-1, "R")
    head = chain([(f"{b}Head", (0.0, 0.1, 0.0)), (f"{b}HeadNub", (0.0, 0.17, 0.0))], end=(0.0, 0.01, 0.0))
    upper = chain([(f"{b}Spine1", (0.0, 0.12, 0.0)), (f"{b}Spine2", (0.0, 0.12, 0.0)), (f"{b}Neck", (0.0, 0.12, 0.0))],
                  extra={f"{b}Neck": [la, ra, head]})
    pelvis = chain([(f"{b}Pelvis", (0.0, 0.0, 0.0)), (f"{b}Spine", (0.0, 0.08, 0.0))],
                   extra={f"{b}Spine": [ll, rl, upper]})
    return ("Bip01", (0.0, 0.95, 0.0), [pelvis, side_leaf(f"{b}Footsteps", (0.0, -0.95, 0.0))])


def biovision() -> tuple:
    """Biovision's own layout: LeftCollar → LeftShoulder (the upper arm) → LeftElbow → LeftWrist, legs
    LeftHip → LeftKnee → LeftAnkle ending in End Sites."""
    def side(s, Side):
        return (leg([f"{Side}Hip", f"{Side}Knee", f"{Side}Ankle"], s),
                arm([f"{Side}Collar", f"{Side}Shoulder", f"{Side}Elbow", f"{Side}Wrist"], s, (0.14, 0.28, 0.25)))
    (ll, la), (rl, ra) = side(1, "Left"), side(-1, "Right")
    head = chain([("Neck", (0.0, 0.1, 0.0)), ("Head", (0.0, 0.12, 0.0))], end=(0.0, 0.15, 0.0))
    return ("Hips", (0.0, 0.95, 0.0), [ll, rl, ("Chest", (0.0, 0.3, 0.0), [head, la, ra])])


def smpl(name=lambda n: n) -> tuple:
    """SMPL's 24-joint layout (hand joints past the wrists), with SMPL-like offsets; `name` renames joints."""
    def side(s, x):
        return (leg([name(f"{x}_hip"), name(f"{x}_knee"), name(f"{x}_ankle"), name(f"{x}_foot")], s,
                    hip=(0.06, -0.09, 0.0)),
                arm([name(f"{x}_collar"), name(f"{x}_shoulder"), name(f"{x}_elbow"), name(f"{x}_wrist"),
                     name(f"{x}_hand")], s, (0.12, 0.26, 0.25, 0.08), collar=(0.08, 0.12, -0.02)))
    (ll, la), (rl, ra) = side(1, "left"), side(-1, "right")
    head = chain([(name("neck"), (0.0, 0.22, -0.03)), (name("head"), (0.0, 0.07, 0.05))], end=(0.0, 0.15, 0.0))
    spine = chain([(name("spine1"), (0.0, 0.11, -0.02)), (name("spine2"), (0.0, 0.14, 0.01)),
                   (name("spine3"), (0.0, 0.05, 0.03))], extra={name("spine3"): [head, la, ra]})
    return (name("pelvis"), (0.0, 0.95, 0.0), [ll, rl, spine])


def unreal() -> tuple:
    """Unreal's mannequin: root on the floor with its IK bones (a hand IK chain at hand height), pelvis,
    thigh_l/calf_l/foot_l/ball_l, clavicle_l/upperarm_l/lowerarm_l/hand_l, spine_01..03, twist bones, fingers."""
    def side(s, x):
        arm_extra = {f"upperarm_{x}": [side_leaf(f"upperarm_twist_01_{x}", (s * 0.1, 0.0, 0.0))],
                     f"lowerarm_{x}": [side_leaf(f"lowerarm_twist_01_{x}", (s * 0.12, 0.0, 0.0))],
                     f"hand_{x}": fingers(lambda d, k: f"{d}_0{k}_{x}", s, ["thumb", "index", "middle", "ring"])}
        leg_extra = {f"thigh_{x}": [side_leaf(f"thigh_twist_01_{x}", (0.0, -0.2, 0.0))]}
        return (leg([f"thigh_{x}", f"calf_{x}", f"foot_{x}", f"ball_{x}"], s, extra=leg_extra),
                arm([f"clavicle_{x}", f"upperarm_{x}", f"lowerarm_{x}", f"hand_{x}"], s, extra=arm_extra,
                    hand_end=False))
    (ll, la), (rl, ra) = side(1, "l"), side(-1, "r")
    head = chain([("neck_01", (0.0, 0.12, 0.0)), ("head", (0.0, 0.1, 0.0))], end=(0.0, 0.17, 0.0))
    spine = chain([("spine_01", (0.0, 0.1, 0.0)), ("spine_02", (0.0, 0.12, 0.0)), ("spine_03", (0.0, 0.12, 0.0))],
                  extra={"spine_03": [head, la, ra]})
    ik_feet = ("ik_foot_root", (0.0, 0.0, 0.0), [side_leaf("ik_foot_l", (0.09, 0.05, 0.0)),
                                                   side_leaf("ik_foot_r", (-0.09, 0.05, 0.0))])
    ik_hands = chain([("ik_hand_root", (0.0, 0.0, 0.0)), ("ik_hand_gun", (-0.78, 1.45, 0.0))],
                     extra={"ik_hand_gun": [side_leaf("ik_hand_r", (0.0, 0.0, 0.0)),
                                            side_leaf("ik_hand_l", (1.56, 0.0, 0.0))]})
    return ("root", (0.0, 0.0, 0.0), [("pelvis", (0.0, 0.95, 0.0), [ll, rl, spine]), ik_feet, ik_hands])


def rotate_to_face_x(node: tuple) -> tuple:
    """The same skeleton turned to face +x (its left side at -z)."""
    name, offset, children = node
    x, y, z = offset
    return (name, (z, y, -x), [rotate_to_face_x(child) for child in children])


NUMBERED = {n: f"joint{i + 1}" for i, n in enumerate(
    ["pelvis", "left_hip", "left_knee", "left_ankle", "left_foot", "right_hip", "right_knee", "right_ankle",
     "right_foot", "spine1", "spine2", "spine3", "neck", "head", "left_collar", "left_shoulder", "left_elbow",
     "left_wrist", "left_hand", "right_collar", "right_shoulder", "right_elbow", "right_wrist", "right_hand"])}


def numbered() -> tuple:
    """SMPL's layout with meaningless names (joint1 … joint24), facing +x: left and right come from offsets."""
    return rotate_to_face_x(smpl(lambda n: NUMBERED[n]))


def sided(templates: list, left: str, right: str) -> dict:
    """{'l': names, 'r': names} from templates with '{}' where the side goes (None stays None)."""
    return {s: [t.format(word) if t else None for t in templates] for s, word in (("l", left), ("r", right))}


def expect(pelvis: str, neck: str, head: str, legs: dict, arms: dict, spine: list | tuple) -> tuple[dict, list | None]:
    """(canonical joint → node name, the pelvis→neck path placing the spine joints, or None when `spine` is a tuple
    naming them).
    legs: side → hip, knee, ankle, foot; arms: side → collar (None: midway neck-shoulder), shoulder, elbow, wrist."""
    mapping = {"pelvis": pelvis, "neck": neck, "head": head}
    for s in "lr":
        mapping |= dict(zip([f"{s}_hip", f"{s}_knee", f"{s}_ankle", f"{s}_foot"], legs[s]))
        mapping |= {k: v for k, v in zip([f"{s}_collar", f"{s}_shoulder", f"{s}_elbow", f"{s}_wrist"], arms[s]) if v}
    if isinstance(spine, tuple):
        return mapping | dict(zip(("spine1", "spine2", "spine3"), spine)), None
    return mapping, spine


M, C, B = "mixamorig:", "Character1_", "Bip01 "
SMPL_EXPECTED = expect("pelvis", "neck", "head", sided(["{}_hip", "{}_knee", "{}_ankle", "{}_foot"], "left", "right"),
                       sided(["{}_collar", "{}_shoulder", "{}_elbow", "{}_wrist"], "left", "right"),
                       ("spine1", "spine2", "spine3"))
FAMILIES = {  # name → (skeleton, rotation channel order, file units per metre, joints with position channels, expected)
    "cmu": (cmu, "Zrotation Yrotation Xrotation", 0.45 / 0.0254, set(), expect(
        "Hips", "Neck", "Head", sided(["{}UpLeg", "{}Leg", "{}Foot", "{}ToeBase"], "Left", "Right"),
        sided([None, "{}Arm", "{}ForeArm", "{}Hand"], "Left", "Right"),  # collars: midway neck-shoulder
        ["Hips", "LowerBack", "Spine", "Spine1", "Neck"])),
    "mixamo": (mixamo, "Zrotation Xrotation Yrotation", 100.0, set(), expect(
        f"{M}Hips", f"{M}Neck", f"{M}Head", sided([M + "{}UpLeg", M + "{}Leg", M + "{}Foot", M + "{}ToeBase"],
                                                 "Left", "Right"),
        sided([M + "{}Shoulder", M + "{}Arm", M + "{}ForeArm", M + "{}Hand"], "Left", "Right"),
        [f"{M}Hips", f"{M}Spine", f"{M}Spine1", f"{M}Spine2", f"{M}Neck"])),
    "motionbuilder": (motionbuilder, "Xrotation Yrotation Zrotation", 100.0, {f"{C}Hips"}, expect(
        f"{C}Hips", f"{C}Neck", f"{C}Head", sided([C + "{}UpLeg", C + "{}Leg", C + "{}Foot", C + "{}ToeBase"],
                                                 "Left", "Right"),
        sided([C + "{}Shoulder", C + "{}Arm", C + "{}ForeArm", C + "{}Hand"], "Left", "Right"),
        [f"{C}Hips", f"{C}Spine", f"{C}Spine1", f"{C}Spine2", f"{C}Neck"])),
    "biped": (biped, "Zrotation Xrotation Yrotation", 1 / 0.0254, set(), expect(
        f"{B}Pelvis", f"{B}Neck", f"{B}Head", sided([B + "{} Thigh", B + "{} Calf", B + "{} Foot", B + "{} Toe0"],
                                                   "L", "R"),
        sided([B + "{} Clavicle", B + "{} UpperArm", B + "{} Forearm", B + "{} Hand"], "L", "R"),
        [f"{B}Pelvis", f"{B}Spine", f"{B}Spine1", f"{B}Spine2", f"{B}Neck"])),
    "biovision": (biovision, "Zrotation Xrotation Yrotation", 1 / 0.0254, set(), expect(
        "Hips", "Neck", "Head", sided(["{}Hip", "{}Knee", "{}Ankle", "{}Ankle End Site"], "Left", "Right"),
        sided(["{}Collar", "{}Shoulder", "{}Elbow", "{}Wrist"], "Left", "Right"), ["Hips", "Chest", "Neck"])),
    "smpl": (smpl, "Zrotation Yrotation Xrotation", 1.0, set(), SMPL_EXPECTED),
    "unreal": (unreal, "Xrotation Yrotation Zrotation", 100.0, {"pelvis"}, expect(
        "pelvis", "neck_01", "head", sided(["thigh_{}", "calf_{}", "foot_{}", "ball_{}"], "l", "r"),
        sided(["clavicle_{}", "upperarm_{}", "lowerarm_{}", "hand_{}"], "l", "r"),
        ("spine_01", "spine_02", "spine_03"))),
    "numbered": (numbered, "Yrotation Xrotation Zrotation", 1.0, set(), (  # SMPL's, renamed; spine placed on the path
        {k: NUMBERED[v] for k, v in SMPL_EXPECTED[0].items() if not k.startswith("spine")},
        [NUMBERED[n] for n in ("pelvis", "spine1", "spine2", "spine3", "neck")])),
}


def axis_matrix(axis: str, degrees: np.ndarray) -> np.ndarray:
    """Right-handed rotations [T, 3, 3] about x, y or z by `degrees` [T]."""
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    o, i = np.zeros_like(c), np.ones_like(c)
    rows = {"X": [[i, o, o], [o, c, -s], [o, s, c]], "Y": [[c, o, s], [o, i, o], [-s, o, c]],
            "Z": [[c, -s, o], [s, c, o], [o, o, i]]}[axis]
    return np.stack([np.stack(row, -1) for row in rows], -2)


def animate(root: tuple, order: str, six: set, frames: int, seed: int = 0) -> tuple[dict, dict]:
    """Random channel values (positions in metres, angles in degrees, [T, C] per joint, in declaration order) and
    every node's global position [T, 3]: BVH forward kinematics, rotations composed in the listed channel order."""
    rng = np.random.default_rng(seed)
    values, positions = {}, {}

    def visit(node, parent, rotation, origin):
        name, offset, children = node
        if name == END:
            positions[f"{parent} End Site"] = origin + rotation @ np.asarray(offset)
            return
        moving = parent is None or name in six
        angles = rng.uniform(-45.0, 45.0, (frames, 3))
        translation = np.asarray(offset) + (rng.normal(0.0, 0.05, (frames, 3)) if moving else 0.0)  # [T, 3]
        local = np.eye(3)
        for k, channel in enumerate(order.split()):
            local = local @ axis_matrix(channel[0], angles[:, k])
        positions[name] = origin + np.einsum("tij,tj->ti", rotation, np.broadcast_to(translation, (frames, 3)))
        values[name] = np.concatenate([translation, angles], 1) if moving else angles
        for child in children:
            visit(child, name, rotation @ local, positions[name])

    visit(root, None, np.broadcast_to(np.eye(3), (frames, 3, 3)), np.zeros((frames, 3)))
    return values, positions


def bvh_text(root: tuple, values: dict, order: str, units: float) -> str:
    """The skeleton and its channel values as BVH text at FPS, lengths in file units (`units` per metre)."""
    lines, columns = ["HIERARCHY"], []

    def visit(node, depth):
        name, offset, children = node
        pad = "  " * depth
        lines.extend([pad + ("End Site" if name == END else f"{'ROOT' if depth == 0 else 'JOINT'} {name}"),
                      pad + "{", pad + "  OFFSET " + " ".join(f"{v * units:.7f}" for v in offset)])
        if name != END:
            moving = values[name].shape[1] == 6
            lines.append(pad + "  CHANNELS " + ("6 Xposition Yposition Zposition " if moving else "3 ") + order)
            columns.append(values[name] * ([units] * 3 + [1.0] * 3 if moving else 1.0))
        for child in children:
            visit(child, depth + 1)
        lines.append(pad + "}")

    visit(root, 0)
    rows = np.concatenate(columns, 1)  # [T, C]
    lines += ["MOTION", f"Frames: {len(rows)}", f"Frame Time: {1 / FPS:.8f}"]
    return "\n".join(lines + [" ".join(f"{v:.7f}" for v in row) for row in rows]) + "\n"


def expected_joints(positions: dict, mapping: dict, spine: list | None) -> np.ndarray:
    """Canonical joints [T, 22, 3] from node positions: mapped nodes; spine joints at 1/4, 1/2, 3/4 of the
    pelvis→neck path's rest length; missing collars midway between neck and shoulder."""
    out = np.zeros((len(positions[mapping["pelvis"]]), 22, 3))
    for joint, node in mapping.items():
        out[:, JOINT_INDEX[joint]] = positions[node]
    if spine is not None:
        points = np.stack([positions[n] for n in spine], 1)  # [T, P, 3]
        arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points[0], axis=0), axis=-1))])  # [P]
        for fraction, joint in zip((0.25, 0.5, 0.75), ("spine1", "spine2", "spine3")):
            for axis in range(3):
                out[:, JOINT_INDEX[joint], axis] = [np.interp(fraction * arc[-1], arc, p[:, axis]) for p in points]
    for s in "lr":
        if f"{s}_collar" not in mapping:
            neck, shoulder = out[:, JOINT_INDEX["neck"]], out[:, JOINT_INDEX[f"{s}_shoulder"]]
            out[:, JOINT_INDEX[f"{s}_collar"]] = 0.5 * (neck + shoulder)
    return out


def read_family(tmp_path, root: tuple, order: str, units: float, six: set, frames: int = 13):
    values, positions = animate(root, order, six, frames)
    path = tmp_path / "family.bvh"
    path.write_text(bvh_text(root, values, order, units))
    return path, positions


@pytest.mark.parametrize("family", FAMILIES)
def test_family_matches_forward_kinematics(tmp_path, family):
    build, order, units, six, (mapping, spine) = FAMILIES[family]
    path, positions = read_family(tmp_path, build(), order, units, six)
    motion = read_bvh(path)
    error = np.linalg.norm(motion.joints - expected_joints(positions, mapping, spine)[::FPS // 20], axis=-1)  # [T, 22]
    worst = JOINT_NAMES[int(error.max(axis=0).argmax())]
    assert error.max() <= MAX_ERROR, f"{family}: {worst} is {error.max() * 1000:.3f} mm off"
    assert motion.fps == 20 and motion.source_fps == FPS
