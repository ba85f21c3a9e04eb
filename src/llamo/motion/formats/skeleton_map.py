"""Map any humanoid joint tree (a BVH hierarchy, an ASF skeleton) onto the 22 canonical joints by its structure.

Structure first, names second, because naming families disagree (Biovision's "LeftShoulder" is the upper arm,
CMU's the collar bone): chains to the head, feet and hands, then joints by position along each chain
(`map_skeleton` states the rules). Shapes: N tree nodes, T frames, J=22; the rest pose handed in is y-up.
"""

import re
from dataclasses import dataclass

import numpy as np

from ...errors import MotionError
from ..skeleton import JOINT_INDEX, NUM_JOINTS

SPINE = ("spine1", "spine2", "spine3")
# Unless the trunk names all three SMPL spine joints, they sit at these fractions of the arc length of the
# file's own pelvis→neck path: skeletons disagree on how many spine bones there are (CMU 3, Mixamo 3, others 1-4).
SPINE_FRACTIONS = (0.25, 0.5, 0.75)
MIN_LIMB_JOINTS = 3  # hip, knee, ankle / shoulder, elbow, wrist
MIN_LEG_DROP = 0.3  # a leg falls at least this share of the body's height below where it leaves the trunk
LONG_SEGMENT = 0.55  # a limb segment this share of the limb's longest is a long bone (thigh, shin, arms)
SAME_POINT = 0.01  # nodes closer than this share of the body's height are one point (CMU's LHipJoint)
LEFT, RIGHT = {"left", "l", "lft"}, {"right", "r", "rt", "rgt"}
TRIED = ("head = the highest end of the tree; legs = the two branches off the root-to-head path that fall "
         f"furthest (each >= {MIN_LIMB_JOINTS} joints, >= {MIN_LEG_DROP:.0%} of the body's height); arms = the two "
         f"longest other branches (>= {MIN_LIMB_JOINTS} joints) leaving at or above the legs")


@dataclass(frozen=True)
class JointTree:
    """A skeleton. names, parents (-1 for the root; parents come before children) and real (False for an end
    point with no joint of its own, such as a BVH End Site or an ASF bone tip): each of length N."""

    names: tuple[str, ...]
    parents: tuple[int, ...]
    real: tuple[bool, ...]

    def children(self) -> list[list[int]]:
        kids: list[list[int]] = [[] for _ in self.names]
        for node, parent in enumerate(self.parents):
            if parent >= 0:
                kids[parent].append(node)
        return kids

    def ancestry(self, node: int) -> list[int]:
        """Nodes from the root down to `node`."""
        path = [node]
        while self.parents[path[-1]] >= 0:
            path.append(self.parents[path[-1]])
        return path[::-1]


@dataclass(frozen=True)
class SkeletonMap:
    """joints: canonical name → tree node, for every joint read off a node (collars may be absent); spine: the
    nodes from the pelvis up to the neck, along which the spine joints not in `joints` are placed."""

    joints: dict[str, int]
    spine: tuple[int, ...]


@dataclass(frozen=True)
class Branch:
    """A path off the trunk: nodes from the first one off the trunk down to an end; attach: trunk index it
    leaves from; reach: its length from the attaching trunk node (rest pose)."""

    nodes: tuple[int, ...]
    attach: int
    reach: float


def _tokens(name: str) -> list[str]:
    """Lower-case words of a joint name: 'mixamorig:LeftUpLeg' → [left, up, leg], 'Bip01 L Thigh' → [bip, 01, l,
    thigh], 'thigh_l' → [thigh, l]."""
    return [t.lower() for t in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name.split(":")[-1])]


def _compact(name: str) -> str:
    """'mixamorig:Spine_01' → 'spine1': lower case, letters and digits only, no leading zeros."""
    return re.sub(r"0+(\d)", r"\1", re.sub(r"[^a-z0-9]", "", name.split(":")[-1].lower()))


def _mirrors(a: str, b: str) -> bool:
    """Whether `b` is `a` with one left marker turned right (lfemur/rfemur, LeftUpLeg/RightUpLeg)."""
    a, b = a.split(":")[-1].lower(), b.split(":")[-1].lower()
    for left, right in (("left", "right"), ("l", "r")):
        for i in (m.start() for m in re.finditer(left, a)):
            if a[:i] + right + a[i + len(left):] == b:
                return True
    return False


def _name_side(names_a: list[str], names_b: list[str]) -> int:
    """> 0 when the names say chain a is the left one, < 0 when they say b is, 0 when they say nothing."""
    def tokens_vote(names: list[str]) -> int:
        return sum((bool(LEFT & set(_tokens(n))) - bool(RIGHT & set(_tokens(n)))) for n in names)

    mirror = sum(_mirrors(a, b) - _mirrors(b, a) for a in names_a for b in names_b)
    return tokens_vote(names_a) - tokens_vote(names_b) + mirror


def _branches(tree: JointTree, rest: np.ndarray, trunk: list[int]) -> list[Branch]:
    """One Branch per end of the tree that is not on the trunk."""
    on_trunk = {node: k for k, node in enumerate(trunk)}
    out = []
    for leaf, kids in enumerate(tree.children()):
        if kids or leaf in on_trunk:
            continue
        path = tree.ancestry(leaf)
        k = max(i for i, node in enumerate(path) if node in on_trunk)
        points = rest[path[k:]]  # [P, 3] from the attaching trunk node to the end
        out.append(Branch(tuple(path[k + 1:]), on_trunk[path[k]],
                          float(np.linalg.norm(np.diff(points, axis=0), axis=-1).sum())))
    return out


def _pick_pair(candidates: list[Branch], key) -> list[Branch]:
    """The best branch by `key` (smallest first) and the best one leaving the trunk by another first node."""
    ranked = sorted(candidates, key=key)
    return ranked[:1] + [b for b in ranked[1:] if b.nodes[0] != ranked[0].nodes[0]][:1]


def _describe(tree: JointTree, trunk: list[int], branches: list[Branch]) -> str:
    """The trunk and the longest path of each branch, by joint names, for error messages."""
    def names(nodes) -> str:
        return " > ".join(tree.names[n] for n in nodes if tree.real[n]) or "(end only)"

    longest: dict[int, Branch] = {}
    for b in branches:
        if b.nodes[0] not in longest or b.reach > longest[b.nodes[0]].reach:
            longest[b.nodes[0]] = b
    shown = sorted(longest.values(), key=lambda b: -b.reach)[:10]
    more = f" and {len(longest) - 10} more" if len(longest) > 10 else ""
    return f"trunk [{names(trunk)}]; branches " + ", ".join(f"[{names(b.nodes)}]" for b in shown) + more


@dataclass(frozen=True)
class Body:
    """The parts found in a tree: trunk (root → head end), trunk indices of pelvis, chest, neck and head, and
    the leg and arm branches (two each, in no particular side order)."""

    trunk: list[int]
    pelvis: int
    chest: int
    neck: int
    head: int
    legs: list[Branch]
    arms: list[Branch]


def _unmappable(source: str, found: str, tree: JointTree, trunk: list[int], branches: list[Branch]) -> MotionError:
    return MotionError(f"{source}: cannot map the skeleton onto the 22 canonical joints: {found}. The tree: "
                       f"{_describe(tree, trunk, branches)}. Tried: {TRIED}")


def _limbs(tree: JointTree, rest: np.ndarray, trunk: list[int], source: str) -> tuple[list[Branch], list[Branch]]:
    """The two leg branches (each its longest path, so a toe rather than a heel) and the two arm branches."""
    height = float(np.ptp(rest[:, 1]))
    branches = _branches(tree, rest, trunk)
    limbs = [b for b in branches if sum(tree.real[n] for n in b.nodes) >= MIN_LIMB_JOINTS]
    falling = [b for b in limbs if rest[trunk[b.attach], 1] - rest[b.nodes[-1], 1] >= MIN_LEG_DROP * height]
    legs = _pick_pair(falling, key=lambda b: rest[b.nodes[-1], 1])
    arms: list[Branch] = []
    if len(legs) == 2:
        lowest = min(b.attach for b in legs)
        others = [b for b in limbs if b.attach >= lowest and b.nodes[0] not in {leg.nodes[0] for leg in legs}]
        arms = _pick_pair(others, key=lambda b: -b.reach)
    if len(legs) < 2 or len(arms) < 2:
        found = f"found {len(legs)} leg and {len(arms)} arm chain(s) where 2 and 2 are needed"
        raise _unmappable(source, found, tree, trunk, branches)
    legs = [max((b for b in branches if b.nodes[0] == leg.nodes[0]), key=lambda b: b.reach) for leg in legs]
    return legs, arms


def _find_body(tree: JointTree, rest: np.ndarray, source: str) -> Body:
    """Trunk, pelvis, chest, neck, head, legs and arms of a tree whose rest pose [N, 3] is y-up."""
    leaves = [n for n, kids in enumerate(tree.children()) if not kids]
    trunk = tree.ancestry(max(leaves, key=lambda n: rest[n, 1]))
    legs, arms = _limbs(tree, rest, trunk, source)
    lower = [name.lower() for name in tree.names]
    hips = min(b.attach for b in legs)
    pelvis = next((k for k in range(hips, -1, -1) if "pelvis" in lower[trunk[k]] or "hip" in lower[trunk[k]]), hips)
    chest = min(b.attach for b in arms)
    real_above = [k for k in range(chest + 1, len(trunk)) if tree.real[trunk[k]]]
    named = [k for k in range(pelvis + 1, len(trunk)) if tree.real[trunk[k]] and "neck" in lower[trunk[k]]]
    neck = named[0] if named else real_above[0] if len(real_above) >= 2 else chest
    if neck <= pelvis:
        found = "the arms leave the trunk at the pelvis, which leaves no spine"
        raise _unmappable(source, found, tree, trunk, _branches(tree, rest, trunk))
    above_neck = [k for k in range(neck + 1, len(trunk)) if tree.real[trunk[k]]]
    named = [k for k in above_neck if "head" in lower[trunk[k]]]
    head = named[0] if named else above_neck[-1] if above_neck else len(trunk) - 1
    return Body(trunk, pelvis, chest, neck, head, legs, arms)


def _split_limb(nodes: tuple[int, ...], base: int, tree: JointTree, rest: np.ndarray):
    """A limb's (joints before the upper one, upper, middle, lower) nodes, or None: the ends of its last two
    long segments, counted from `base` (the pelvis or chest node) over its distinct real joints."""
    same = SAME_POINT * float(np.ptp(rest[:, 1]))
    points = [base]
    for node in nodes:
        if tree.real[node] and np.linalg.norm(rest[node] - rest[points[-1]]) >= same:
            points.append(node)
    segments = np.linalg.norm(np.diff(rest[points], axis=0), axis=-1)  # [P-1]
    if len(segments) < 3:
        return None
    k = int(np.flatnonzero(segments >= LONG_SEGMENT * segments.max())[-1])  # points[k] → points[k+1]
    return (points[1:k - 1], points[k - 1], points[k], points[k + 1]) if k >= 2 else None


def _toe(nodes: tuple[int, ...], ankle: int, rest: np.ndarray) -> int | None:
    """The first node past the ankle that is not at the ankle (a toe joint or the foot's End Site)."""
    after = nodes[nodes.index(ankle) + 1:]
    same = SAME_POINT * float(np.ptp(rest[:, 1]))
    return next((n for n in after if np.linalg.norm(rest[n] - rest[ankle]) >= same), None)


def _left_first(tree: JointTree, pair: list[Branch], probes: list[int], left: np.ndarray,
                rest: np.ndarray) -> list[int]:
    """[0, 1] when pair[0] is the left limb, else [1, 0]: by names, else by the probe joints' rest offsets."""
    vote = float(_name_side([tree.names[n] for n in pair[0].nodes], [tree.names[n] for n in pair[1].nodes]))
    if vote == 0:
        vote = float(np.dot(rest[probes[0]] - rest[probes[1]], left))
    return [0, 1] if vote > 0 else [1, 0]


def map_skeleton(tree: JointTree, rest: np.ndarray, source: str = "skeleton") -> SkeletonMap:
    """The canonical joints of a tree, found from its rest pose [N, 3] (y-up, any unit); MotionError naming the
    chains found when the tree is no humanoid this can read.

    The highest end is the head and the root→head path the trunk; the two branches off the trunk that fall
    furthest (≥ 3 joints, ≥ 30% of the body's height below where they leave it) are the legs; the two longest other
    branches leaving at or above the legs are the arms. Where the legs meet is the pelvis (or the nearest trunk
    node below named hips/pelvis: 3ds Max's Biped hangs the thighs off its first spine bone), where the arms meet
    the chest; the neck is the first trunk joint named so, else the one above the chest; the head likewise.
    Along a limb the last two long segments (≥ 55% of its longest) are thigh + shin or upper arm + forearm: their
    joints are hip, knee, ankle / shoulder, elbow, wrist. The node after the ankle is the foot (toe); the first
    arm joint before the shoulder is the collar, unless it sits on the neck as CMU's clavicles do, and then (as
    without one) the collar goes midway between neck and shoulder, where SMPL's is. Twist bones inside a limb
    chain, rather than beside it, would split a segment and are not supported. Left and right come from names
    (left/right, l/r words, mirror pairs such as lfemur/rfemur), else from rest offsets: left = up × forward,
    forward being where the toes point (+z when none sticks out).
    """
    body = _find_body(tree, rest, source)
    legs = [_split_limb(b.nodes, body.trunk[b.attach], tree, rest) for b in body.legs]
    arms = [_split_limb(b.nodes, body.trunk[b.attach], tree, rest) for b in body.arms]
    toes = [_toe(b.nodes, part[3], rest) if part else None for b, part in zip(body.legs, legs)]
    for branch, part, what in zip(body.legs + body.arms, legs + arms, ("leg", "leg", "arm", "arm")):
        if part is None:
            names = " > ".join(tree.names[n] for n in branch.nodes if tree.real[n])
            found = f"the {what} chain [{names}] has no two long bones after its first joint"
            raise _unmappable(source, found, tree, body.trunk, _branches(tree, rest, body.trunk))
    if None in toes:
        found = "a leg chain ends at its ankle, with no toe joint or End Site after it"
        raise _unmappable(source, found, tree, body.trunk, _branches(tree, rest, body.trunk))
    forward = np.mean([rest[toe] - rest[leg[3]] for toe, leg in zip(toes, legs)], axis=0) * np.array([1.0, 0.0, 1.0])
    if np.linalg.norm(forward) < SAME_POINT * float(np.ptp(rest[:, 1])):
        forward = np.array([0.0, 0.0, 1.0])  # no toe sticks out: the BVH habit of facing +z
    left = np.cross(np.array([0.0, 1.0, 0.0]), forward)
    joints = {name: body.trunk[k] for name, k in (("pelvis", body.pelvis), ("neck", body.neck), ("head", body.head))}
    for s, i in zip("lr", _left_first(tree, body.legs, [p[1] for p in legs], left, rest)):
        _, hip, knee, ankle = legs[i]
        joints |= {f"{s}_hip": hip, f"{s}_knee": knee, f"{s}_ankle": ankle, f"{s}_foot": toes[i]}
    same = SAME_POINT * float(np.ptp(rest[:, 1]))
    for s, i in zip("lr", _left_first(tree, body.arms, [p[1] for p in arms], left, rest)):
        before, shoulder, elbow, wrist = arms[i]
        joints |= {f"{s}_shoulder": shoulder, f"{s}_elbow": elbow, f"{s}_wrist": wrist}
        if before and np.linalg.norm(rest[before[0]] - rest[joints["neck"]]) >= same:
            joints[f"{s}_collar"] = before[0]
    spine = tuple(body.trunk[body.pelvis:body.neck + 1])
    named = {c: n for n in spine[1:-1] for c in SPINE if _compact(tree.names[n]).endswith(c)}
    return SkeletonMap(joints | named if len(named) == len(SPINE) else joints, spine)


def _along_chain(points: np.ndarray, fractions: tuple[float, ...]) -> np.ndarray:
    """Points [T, F, 3] at `fractions` of the arc length of polylines [T, P, 3] (bone lengths from frame 0)."""
    lengths = np.linalg.norm(np.diff(points[0], axis=0), axis=-1)  # [P-1]
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])  # [P]
    out = []
    for fraction in fractions:
        target = fraction * cumulative[-1]
        k = min(int(np.searchsorted(cumulative, target, side="right")) - 1, len(lengths) - 1)
        w = (target - cumulative[k]) / lengths[k] if lengths[k] > 0 else 0.0
        out.append((1.0 - w) * points[:, k] + w * points[:, k + 1])
    return np.stack(out, axis=1)


def to_canonical(positions: np.ndarray, mapping: SkeletonMap) -> np.ndarray:
    """Tree node positions [T, N, 3] → canonical joints [T, 22, 3], placing the spine joints along the pelvis→neck
    path unless named, and each missing collar midway between the neck and that shoulder (where SMPL's sits)."""
    out = np.zeros((len(positions), NUM_JOINTS, 3))  # [T, 22, 3]
    for name, index in mapping.joints.items():
        out[:, JOINT_INDEX[name]] = positions[:, index]
    if "spine1" not in mapping.joints:
        spine = _along_chain(positions[:, list(mapping.spine)], SPINE_FRACTIONS)  # [T, 3, 3]
        out[:, [JOINT_INDEX[n] for n in SPINE]] = spine
    for s in "lr":
        if f"{s}_collar" not in mapping.joints:
            neck, shoulder = out[:, JOINT_INDEX["neck"]], out[:, JOINT_INDEX[f"{s}_shoulder"]]
            out[:, JOINT_INDEX[f"{s}_collar"]] = 0.5 * (neck + shoulder)
    return out
