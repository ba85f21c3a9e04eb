"""Shared fixtures: offline mode, and small synthetic motions generated here (no files downloaded)."""

import os

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

# A standing figure facing +z (left side at +x), metres, HumanML3D joint order.
REST_POSE = np.array([
    [0.0, 0.95, 0.0], [0.09, 0.88, 0.0], [-0.09, 0.88, 0.0], [0.0, 1.05, -0.02], [0.1, 0.5, 0.02],
    [-0.1, 0.5, 0.02], [0.0, 1.18, -0.02], [0.1, 0.08, -0.02], [-0.1, 0.08, -0.02], [0.0, 1.25, -0.01],
    [0.11, 0.02, 0.12], [-0.11, 0.02, 0.12], [0.0, 1.48, 0.0], [0.07, 1.4, 0.0], [-0.07, 1.4, 0.0],
    [0.0, 1.62, 0.03], [0.18, 1.4, 0.0], [-0.18, 1.4, 0.0], [0.22, 1.13, 0.0], [-0.22, 1.13, 0.0],
    [0.24, 0.88, 0.04], [-0.24, 0.88, 0.04],
])


def walking_joints(frames: int = 60, fps: float = 20.0, turn_rate: float = 0.0, speed: float = 1.0) -> np.ndarray:
    """A figure walking forward at `speed` m/s while turning `turn_rate` rad/s: [T, 22, 3]."""
    from llamo.motion.transforms import y_rotation

    t = np.arange(frames) / fps
    yaw = turn_rate * t
    pose = np.repeat(REST_POSE[None], frames, 0)
    swing = 0.25 * np.sin(2 * np.pi * 1.0 * t)
    for knee, ankle, foot, sign in ((4, 7, 10, 1), (5, 8, 11, -1)):
        pose[:, [knee, ankle, foot], 2] += sign * swing[:, None] * np.array([0.5, 1.0, 1.0])
    heading_vec = np.stack([np.sin(yaw), np.zeros_like(yaw), np.cos(yaw)], 1)
    root = np.cumsum(heading_vec * speed / fps, axis=0)
    return np.einsum("tij,tkj->tki", y_rotation(yaw), pose) + root[:, None]


@pytest.fixture
def walk_joints() -> np.ndarray:
    return walking_joints()


TINY_LLM = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=1024)


def tiny_config(kind: str = "cross_talker", video: str = "none"):
    """A LlamoConfig with a random 2-layer LM (SmolLM2's tokenizer) and width-16 motion modules."""
    from llamo.model import ConnectorConfig, LlamoConfig, LLMConfig, MotionEncoderConfig, VideoConfig

    return LlamoConfig(
        motion_encoder=MotionEncoderConfig(dim=16, depth=1, heads=2),
        video=VideoConfig(encoder=video, dim=16, image_size=32, num_frames=4),
        connector=ConnectorConfig(kind=kind, num_tokens=4, heads=2, num_segments=4, codebook_size=16, vq_dim=16),
        llm=LLMConfig(name_or_path=None, tokenizer="smollm2-135m-instruct", tiny=TINY_LLM, lora_r=4),
    )


@pytest.fixture(scope="session")
def smollm2_tokenizer():
    from llamo.model.configuration import LLMConfig
    from llamo.model.llm import load_tokenizer

    return load_tokenizer(LLMConfig(), [])
