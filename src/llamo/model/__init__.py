"""The LLaMo model: motion encoder, video encoder, Motion Feature Enhancer, Cross Talker, projector, LLM + LoRA,
and the baseline connectors (uniform, all_frames, vq_tokens, motion_text, text_only)."""

from .configuration import ConnectorConfig, LlamoConfig, LLMConfig, MotionEncoderConfig, VideoConfig
from .llamo import LlamoModel, LlamoOutput, build_model
from .trainable import GROUPS, parameter_groups, set_trainable

__all__ = [
    "GROUPS", "ConnectorConfig", "LLMConfig", "LlamoConfig", "LlamoModel", "LlamoOutput", "MotionEncoderConfig",
    "VideoConfig", "build_model", "parameter_groups", "set_trainable",
]
