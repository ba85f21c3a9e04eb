"""LlamoConfig: the model's composed, validated configuration, saved as the folder's config.json.

Plain dataclasses (not transformers' PreTrainedConfig): every field typed and documented, validated in
__post_init__, and dependent values derived rather than repeated (the motion feature width comes from the
feature function, the projector's output width from the LLM, the motion token count from `ConnectorConfig`).
"""

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..errors import ConfigError
from ..motion.features import FEATURE_DIM
from ..motion.motion import CANONICAL_FPS

CONNECTOR_KINDS = ("cross_talker", "uniform", "all_frames", "vq_tokens", "motion_text", "text_only")
VIDEO_KINDS = ("none", "tiny", "hf")
SELECTIONS = ("segments", "topk")
SUM_VALUES = ("frame", "change")  # Cross Talker sum_value (model/cross_talker.py SumContext)
DEFAULT_LLM = "smollm2-135m-instruct"


@dataclass
class MotionEncoderConfig:
    """The continuous temporal transformer over encoder features."""

    dim: int = 256  # D_m, the motion width every motion module shares
    depth: int = 4
    heads: int = 4
    dropout: float = 0.0


@dataclass
class VideoConfig:
    """The video branch: a frozen per-frame encoder and the Motion Feature Enhancer that fuses it into motion."""

    encoder: str = "none"  # none | tiny (small CNN trained from scratch) | hf (any HF vision tower)
    name_or_path: str | None = None  # for encoder="hf": a Hugging Face name or local folder
    dim: int = 128  # D_v of the tiny encoder (an hf tower brings its own width)
    image_size: int = 64  # frames are resized to this before encoding
    num_frames: int = 16  # frames sampled uniformly from each video
    enhancer_depth: int = 1  # Motion Feature Enhancer blocks (also used motion-only)

    def __post_init__(self) -> None:
        if self.encoder not in VIDEO_KINDS:
            raise ConfigError(f"video.encoder={self.encoder!r}; accepted: {VIDEO_KINDS}")
        if self.encoder == "hf" and not self.name_or_path:
            raise ConfigError("video.encoder='hf' needs video.name_or_path (a Hugging Face vision tower)")


@dataclass
class ConnectorConfig:
    """How motion reaches the LLM. The token count per motion is defined here and nowhere else."""

    # cross_talker (LLaMo) | uniform (K mean-pooled segments: the Cross Talker without selection) | all_frames
    # (MotionLLM) | vq_tokens (MotionGPT) | motion_text (the motion written as text in the prompt) | text_only
    kind: str = "cross_talker"
    num_tokens: int = 16  # K: frames the Cross Talker keeps (uniform: segments it pools)
    heads: int = 4
    num_segments: int = 8  # segments pooled for the Cross Talker's global context
    max_window_ratio: float = 0.25  # largest local window, as a share of the motion length
    selection: str = "topk"  # Cross Talker: topk (as the paper) | segments (the best frame in each of K equal parts)
    time_stamps: bool = False  # Cross Talker tokens also carry where they sit and how long the motion is
    # the prompt writes each token's start in seconds before it and the motion's end after the last (a prompt, not a
    # weight; data/processor.py): cross_talker with selection=segments, or uniform, whose parts are known beforehand
    time_text: bool = False
    part_pooling: bool = False  # Cross Talker: each kept frame plus the mean of its part (selection=segments)
    zero_init: bool = False  # Cross Talker: residual branches start at zero (fresh models; no effect on loading)
    sum_context: bool = False  # Cross Talker: every token also gets a question-weighted sum over frames (counts)
    sum_value: str = "frame"  # what that sum adds per frame: frame (linear) | change (MLP of frame and its change)
    stride: int = 4  # all_frames: one token per `stride` frames (average-pooled)
    codebook_size: int = 512  # vq_tokens: VQ-VAE codes, added to the vocabulary as <|motion_i|>
    vq_dim: int = 256
    vq_downsample: int = 4  # vq_tokens: one code per `vq_downsample` frames
    text_window: float = 1.0  # motion_text: seconds of motion per line of text (data/motion_text.py)

    def __post_init__(self) -> None:
        if self.kind not in CONNECTOR_KINDS:
            raise ConfigError(f"connector.kind={self.kind!r}; accepted: {CONNECTOR_KINDS}")
        if self.selection not in SELECTIONS:
            raise ConfigError(f"connector.selection={self.selection!r}; accepted: {SELECTIONS}")
        if self.sum_value not in SUM_VALUES:
            raise ConfigError(f"connector.sum_value={self.sum_value!r}; accepted: {SUM_VALUES}")
        timed = self.kind == "uniform" or (self.kind == "cross_talker" and self.selection == "segments")
        if self.time_text and not timed:
            raise ConfigError("connector.time_text writes each token's time before the model runs, so it needs parts "
                              "known beforehand: kind='uniform', or kind='cross_talker' with selection='segments'; "
                              f"got kind={self.kind!r}, selection={self.selection!r}")
        if self.part_pooling and self.selection != "segments":
            raise ConfigError("connector.part_pooling needs connector.selection='segments' (the parts it pools)")
        for name in ("num_tokens", "stride", "codebook_size", "vq_downsample"):
            if getattr(self, name) < 1:
                raise ConfigError(f"connector.{name} must be >= 1, got {getattr(self, name)}")
        if not self.text_window > 0:
            raise ConfigError(f"connector.text_window must be > 0 seconds, got {self.text_window}")

    def token_count(self, num_frames: int) -> int:
        """Placeholder tokens one motion of `num_frames` frames occupies in the prompt (motion_text: none; its
        text takes the place of `<motion>` instead)."""
        if self.kind in ("cross_talker", "uniform"):
            return min(self.num_tokens, num_frames)
        if self.kind == "all_frames":
            return math.ceil(num_frames / self.stride)
        if self.kind == "vq_tokens":
            return math.ceil(num_frames / self.vq_downsample)
        return 0

    def token_starts(self, num_frames: int) -> list[int]:
        """The first of the frames read of each token's part, for time_text: the K' = min(K, T) contiguous,
        near-equal parts of model/cross_talker.py's segment_membership (frame r lies in part r * K' // T)."""
        parts = min(self.num_tokens, num_frames)
        return [math.ceil(k * num_frames / parts) for k in range(parts)]


@dataclass
class LLMConfig:
    """The causal LM, its tokenizer and LoRA."""

    name_or_path: str | None = DEFAULT_LLM  # HF name/folder, or "smollm2-135m-instruct"; None → random `tiny` LM
    tokenizer: str | None = None  # defaults to name_or_path
    tiny: dict | None = None  # LlamaConfig fields of a random-init LM (tests, benchmarks)
    chat_template: str | None = None  # overrides the tokenizer's own template
    # None: the template's own default system message (SmolLM2's "You are a helpful AI assistant named SmolLM,
    # trained by Hugging Face", 16 more tokens in every prompt); a string: that system message ("" an empty one)
    system_prompt: str | None = None
    use_lora: bool = True
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    placeholder_token: str = "<|motion|>"  # added special token the processor repeats and the model fills

    def __post_init__(self) -> None:
        if self.name_or_path is None and not self.tiny:
            raise ConfigError("llm.name_or_path is None, so llm.tiny must give the random LM's LlamaConfig fields")
        if self.tokenizer is None and self.name_or_path is None:
            raise ConfigError("llm.tokenizer is needed when llm.name_or_path is None")


@dataclass
class LlamoConfig:
    """Everything needed to rebuild a LlamoModel (config.json of a model folder)."""

    motion_encoder: MotionEncoderConfig = field(default_factory=MotionEncoderConfig)
    video: VideoConfig = field(default_factory=VideoConfig)
    connector: ConnectorConfig = field(default_factory=ConnectorConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    max_frames: int = 400  # longer motions are uniformly subsampled to this many frames (20 s at 20 fps)

    @property
    def feature_dim(self) -> int:
        return FEATURE_DIM

    def token_count(self, num_frames: int) -> int:
        return self.connector.token_count(min(num_frames, self.max_frames))

    def token_times(self, num_frames: int, motion_frames: int) -> list[float]:
        """Seconds at which each token's part starts, then the motion's end (K' + 1 values), for time_text:
        `num_frames` read of the motion's own `motion_frames` (uniformly subsampled, LlamoModel.kept_frames)."""
        step = (motion_frames - 1) / (num_frames - 1) if num_frames < motion_frames else 1.0
        starts = self.connector.token_starts(num_frames)
        return [round(s * step) / CANONICAL_FPS for s in starts] + [motion_frames / CANONICAL_FPS]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "LlamoConfig":
        parts = {f.name: f.type for f in fields(cls)}
        unknown = set(data) - set(parts)
        if unknown:
            raise ConfigError(f"unknown config keys {sorted(unknown)}; accepted: {sorted(parts)}")
        sub = {"motion_encoder": MotionEncoderConfig, "video": VideoConfig, "connector": ConnectorConfig,
               "llm": LLMConfig}
        try:
            kwargs = {k: sub[k](**v) if k in sub else v for k, v in data.items()}
        except TypeError as err:
            raise ConfigError(f"bad config: {err}") from err
        return cls(**kwargs)

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / "config.json"
        path.write_text(json.dumps({"model_type": "llamo", **self.to_dict()}, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> "LlamoConfig":
        path = Path(folder) / "config.json"
        if not path.is_file():
            raise ConfigError(f"{path}: missing; a llamo model folder has config.json")
        data = json.loads(path.read_text())
        data.pop("model_type", None)
        return cls.from_dict(data)
