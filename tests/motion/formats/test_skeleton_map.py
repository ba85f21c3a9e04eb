"""Mapping joint trees onto the canonical skeleton (`formats/skeleton_map.py`): which side is left, and the
skeletons that cannot be mapped, each with the message it gets. Skeletons are built with test_bvh_families'
helpers and read through the BVH reader."""

import numpy as np
import pytest

from llamo.errors import MotionError
from llamo.motion.formats.bvh import read_bvh
from llamo.motion.skeleton import JOINT_INDEX
from tests.motion.formats.test_bvh_families import arm, biovision, chain, read_family


def biovision_parts() -> tuple:
    """Biovision's legs, arms and head chain, to assemble broken skeletons from."""
    (_, _, [ll, rl, (_, _, [head, la, ra])]) = biovision()
    return ll, rl, la, ra, head


def test_one_armed_skeleton_names_its_chains(tmp_path):
    ll, rl, la, _, head = biovision_parts()
    path, _ = read_family(tmp_path, ("Hips", (0.0, 0.95, 0.0), [ll, rl, ("Chest", (0.0, 0.3, 0.0), [head, la])]),
                          "Zrotation Xrotation Yrotation", 100.0, set())
    with pytest.raises(MotionError, match=r"found 2 leg and 1 arm chain\(s\).*trunk \[Hips > Chest > Neck > Head\]"
                                          r".*\[LeftCollar > LeftShoulder > LeftElbow > LeftWrist\].*Tried: head ="):
        read_bvh(path)


def test_arms_at_the_pelvis_leave_no_spine(tmp_path):
    ll, rl, la, ra, _ = biovision_parts()
    skull = chain([("Skull", (0.0, 0.5, 0.0))], end=(0.0, 0.15, 0.0))
    path, _ = read_family(tmp_path, ("Hips", (0.0, 0.95, 0.0), [ll, rl, la, ra, skull]),
                          "Zrotation Xrotation Yrotation", 100.0, set())
    with pytest.raises(MotionError, match="the arms leave the trunk at the pelvis"):
        read_bvh(path)


def test_arm_without_two_long_bones(tmp_path):
    ll, rl, _, _, head = biovision_parts()
    arms = [arm([f"{x}Collar", f"{x}Shoulder", f"{x}Elbow", f"{x}Wrist"], s, (0.5, 0.05, 0.05))
            for s, x in ((1, "Left"), (-1, "Right"))]
    path, _ = read_family(tmp_path, ("Hips", (0.0, 0.95, 0.0), [ll, rl, ("Chest", (0.0, 0.3, 0.0), [head, *arms])]),
                          "Zrotation Xrotation Yrotation", 100.0, set())
    with pytest.raises(MotionError, match=r"the arm chain \[(Left|Right)Collar > .*\] has no two long bones"):
        read_bvh(path)


def test_leg_ending_at_its_ankle(tmp_path):
    _, _, la, ra, head = biovision_parts()
    legs = [chain([(f"{x}Hip", (s * 0.09, -0.06, 0.0)), (f"{x}Knee", (0.0, -0.42, 0.0)),
                   (f"{x}Ankle", (0.0, -0.42, 0.0))]) for s, x in ((1, "Left"), (-1, "Right"))]
    path, _ = read_family(tmp_path, ("Hips", (0.0, 0.95, 0.0), [*legs, ("Chest", (0.0, 0.3, 0.0), [head, la, ra])]),
                          "Zrotation Xrotation Yrotation", 100.0, set())
    with pytest.raises(MotionError, match="ends at its ankle, with no toe joint or End Site"):
        read_bvh(path)


def swap_sides(name: str) -> str:
    return name.replace("Left", "Right") if "Left" in name else name.replace("Right", "Left")


@pytest.mark.parametrize(("rename", "left_wrist"), [
    (lambda n: n.replace("Left", "Links").replace("Right", "Rechts"), "LinksWrist"),  # the +x side (toes at +z)
    (swap_sides, "LeftWrist"),  # now on the -x side
], ids=["no-side-words", "swapped-names"])
def test_sides_follow_names_then_offsets(tmp_path, rename, left_wrist):
    """Without side words the rest offsets decide; names that contradict the offsets win, being the file
    author's statement of which limb is which."""
    def renamed(node):
        name, offset, children = node
        return (rename(name), offset, [renamed(c) for c in children])

    path, positions = read_family(tmp_path, renamed(biovision()), "Zrotation Xrotation Yrotation", 100.0, set())
    joints = read_bvh(path).joints[0]
    np.testing.assert_allclose(joints[JOINT_INDEX["l_wrist"]], positions[left_wrist][0], atol=1e-4)
