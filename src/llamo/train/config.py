"""TrainConfig: one training stage as typed dataclasses, loaded from a packaged or local YAML plus dotted overrides.

    llamo train --config instruct out=runs/instruct model.connector.kind=all_frames steps=200

The resolved config (after overrides and derivations) is written beside every output as config.yaml.
"""

import dataclasses
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from ..errors import ConfigError
from ..model.configuration import LlamoConfig
from ..model.trainable import GROUPS

STAGES = ("encoder", "align", "instruct")
OBJECTIVES = ("lm", "answer_readout")


@dataclass
class TrainConfig:
    """A training stage. Stages differ only in these values: data, objective, trainable groups, rates."""

    stage: str  # encoder (masked motion modelling + VQ-VAE) | align (captions) | instruct (QA)
    out: str  # run folder: checkpoints/, model/, logs/, config.yaml
    data: list[str]  # record JSON files (docs/data_format.md)
    eval_data: list[str] = field(default_factory=list)  # records scored by loss every `eval_every` steps
    init_from: str | None = None  # a previous stage's model folder; None builds a fresh model from `model`
    model: LlamoConfig = field(default_factory=LlamoConfig)
    # frames the model reads, longer motions subsampled to it (no weight depends on it, so a loaded model may
    # read more: 800 reads a 40 s clip at its own 20 fps); None keeps the model's own (model.max_frames when built)
    max_frames: int | None = None
    # the system message the model is trained with from this stage on (llm.system_prompt; a prompt, not a weight,
    # so a loaded model may change it: "" drops SmolLM2's default one); None keeps the model's own
    system_prompt: str | None = None
    # the loaded model (init_from) gets a fresh connector of model.connector's kind over its trained encoder, so
    # connectors are compared on one encoder (LlamoModel.replace_connector; cross_talker, uniform, all_frames)
    new_connector: bool = False
    # K, the motion tokens of a cross_talker or uniform connector, for a loaded model too (no weight depends on
    # it; LlamoModel.set_num_tokens); None keeps the model's own
    num_tokens: int | None = None
    # whether the prompt writes each motion token's time (connector.time_text), for a loaded model too (a prompt,
    # not a weight; LlamoModel.set_time_text); None keeps the model's own
    time_text: bool | None = None
    trainable: list[str] = field(default_factory=list)  # parameter groups (model/trainable.py)
    lr: float = 1e-4
    # multipliers of `lr` per group or per module path, e.g. {lora: 0.5} or {connector.talker.sum_pool: 0.1}
    lr_scale: dict[str, float] = field(default_factory=dict)
    weight_decay: float = 0.0
    warmup_steps: int = 50
    steps: int = 1000  # optimizer steps
    batch_size: int = 8  # per process, per micro-batch
    grad_accum: int = 1
    max_grad_norm: float = 1.0
    mixed_precision: str = "auto"  # auto (bf16 on a GPU or CPU with fast bf16, else fp32) | no (fp32) | bf16
    grad_checkpointing: bool = False  # recompute the LM's activations in backward (long sequences, big LMs)
    group_by_length: bool = True  # batch similar motion lengths together (less padding)
    mask_ratio: float = 0.3  # encoder stage: share of frames hidden from the motion encoder
    # encoder stage: weight of the motion–caption contrastive loss added to masked motion modelling
    # (0: that alone); > 0 reads the caption records (meta.task "caption") of `data`
    contrastive_weight: float = 0.0
    # align/instruct: records of these tasks (meta.task) appear this many times per epoch, e.g. {count: 4}
    task_repeat: dict[str, int] = field(default_factory=dict)
    tasks: list[str] = field(default_factory=list)  # align/instruct: only records of these tasks (empty: all)
    # align: "lm" (the LLM's next-token loss on the answers or captions) or "answer_readout" (a small head
    # classifies each question's answer from the motion tokens, the LLM out of the loop: train/readout.py)
    objective: str = "lm"
    readout_classes: int = 512  # answer_readout: the most frequent distinct answers it classifies
    seed: int = 0
    log_every: int = 10
    save_every: int = 100
    eval_every: int = 0  # 0: no periodic evaluation
    keep_last: int = 2  # checkpoints kept
    # also save the model folder at these shares of `steps` (0 < share < 1) as snapshots/step_NNNNNNN, e.g.
    # [0.25, 0.5, 0.75] for accuracy-against-steps curves; model/ is the last point
    snapshots: list[float] = field(default_factory=list)
    num_workers: int = 0
    encoder_cache: str | None = None  # folder for the frozen motion encoder's outputs (large sets; align/instruct)

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ConfigError(f"stage={self.stage!r}; accepted: {STAGES}")
        unknown = set(self.trainable) - set(GROUPS)
        if unknown:
            raise ConfigError(f"trainable groups {sorted(unknown)} unknown; accepted: {GROUPS}")
        if not self.data:
            raise ConfigError("data is empty: give at least one record JSON file")
        if self.mixed_precision is False:  # YAML reads a bare `no` as false
            self.mixed_precision = "no"
        if self.mixed_precision not in ("auto", "no", "bf16"):
            raise ConfigError(f"mixed_precision={self.mixed_precision!r}; accepted: auto, no, bf16")
        if self.encoder_cache and (self.stage == "encoder" or "motion_encoder" in self.trainable):
            raise ConfigError("encoder_cache needs a frozen motion encoder: drop motion_encoder from trainable "
                              "(and use it in the align or instruct stage), or remove encoder_cache")
        if self.contrastive_weight < 0 or (self.contrastive_weight and self.stage != "encoder"):
            raise ConfigError(f"contrastive_weight={self.contrastive_weight}: accepted 0, or > 0 in the encoder stage")
        if self.objective not in OBJECTIVES or (self.objective != "lm" and self.stage != "align"):
            raise ConfigError(f"objective={self.objective!r} in the {self.stage} stage; accepted: {OBJECTIVES} in "
                              "align, lm in the other stages")
        if (self.task_repeat or self.tasks) and self.stage == "encoder":
            raise ConfigError("task_repeat and tasks pick question records; the encoder stage reads motions: "
                              "remove them")
        if self.new_connector and self.init_from is None:
            raise ConfigError("new_connector replaces the connector of a loaded model: give init_from (a model "
                              "folder whose encoder it reads), or drop new_connector")
        if self.max_frames is not None and self.max_frames < 2:
            raise ConfigError(f"max_frames={self.max_frames}: accepted an integer >= 2, or null (the model's own)")
        if any(not 0 < share < 1 for share in self.snapshots):
            raise ConfigError(f"snapshots={self.snapshots}: accepted shares of steps between 0 and 1, e.g. [0.25, 0.5]")
        for name in ("steps", "batch_size", "grad_accum", "save_every", "keep_last", "readout_classes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")

    def snapshot_steps(self) -> list[int]:
        """The steps `snapshots` saves a model folder at (before the last step; model/ holds the last)."""
        return sorted({max(1, round(share * self.steps)) for share in self.snapshots} - {self.steps})


def packaged_configs() -> dict[str, Path]:
    """Packaged configs by name: the path under llamo/configs without .yaml, e.g. 'baselines/all_frames/instruct'."""
    root = Path(str(resources.files("llamo") / "configs"))
    return {p.relative_to(root).with_suffix("").as_posix(): p for p in sorted(root.rglob("*.yaml"))}


class ConfigLoader(yaml.SafeLoader):
    """YAML's safe loader that also reads `1e-4` as a number: PyYAML follows YAML 1.1, where a float needs a dot,
    so `lr=1e-4` would otherwise arrive as the string '1e-4'."""


ConfigLoader.add_implicit_resolver("tag:yaml.org,2002:float",
                                   re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+$"),
                                   list("-+0123456789."))


def parse_value(text: str):
    """An override's value, typed by YAML (numbers, booleans, lists, null)."""
    return yaml.load(text, Loader=ConfigLoader)


def apply_override(data: dict, key: str, value) -> None:
    node = data
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"override {key}: {part} is not a section")
    node[parts[-1]] = value


def merge(base: dict, update: dict) -> dict:
    """`update` laid over `base`, section by section."""
    out = dict(base)
    for key, value in update.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def read_yaml(name_or_path: str) -> dict:
    """A config's mapping; a `base: NAME` key lays the file over another config (baselines reuse the stages)."""
    configs = packaged_configs()
    path = configs.get(name_or_path) or Path(name_or_path)
    if not path.is_file():
        raise ConfigError(f"no config {name_or_path!r}; packaged: {sorted(configs)} or a YAML file path")
    data = yaml.load(path.read_text(), Loader=ConfigLoader) or {}
    base = data.pop("base", None)
    return merge(read_yaml(base), data) if base else data


def load_config(name_or_path: str, overrides: list[str] = ()) -> TrainConfig:
    """A packaged config by name ('instruct') or a YAML path, with `key=value` overrides (dotted keys)."""
    data = read_yaml(name_or_path)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"override {item!r} is not key=value")
        apply_override(data, key.strip(), parse_value(value))
    return from_dict(data)


def from_dict(data: dict) -> TrainConfig:
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown config keys {sorted(unknown)}; accepted: {sorted(known)}")
    model = LlamoConfig.from_dict(data.get("model") or {})
    try:
        return TrainConfig(**{**data, "model": model})
    except TypeError as err:
        raise ConfigError(f"bad config: {err}") from err


def save_resolved(cfg: TrainConfig, folder: Path) -> Path:
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(dataclasses.asdict(cfg), sort_keys=False))
    return path
