"""LlamoModel: motion (and video) → motion tokens spliced into a causal LM's input embeddings.

    embed text → get_motion_tokens (encoder → enhancer → connector) → placeholder_mask → masked_scatter → LM

Legend: B batch, T frames, F features, N video frames, L text tokens, D LLM width, K' motion tokens.
A model folder (save_pretrained/from_pretrained): config.json, model.safetensors (the motion modules),
normalizer.json, tokenizer files, adapter_model.safetensors + adapter_config.json (LoRA) and, only for a
randomly initialised LM, llm/ with its base weights. The frozen pretrained LM itself is never copied.
"""

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..data.collate import Example
from ..data.processor import LlamoProcessor
from ..data.schema import Turn
from ..errors import ConfigError
from ..motion.features import Normalizer, motion_features
from ..motion.motion import Motion
from ..video.estimator import MotionEstimator
from ..video.io import read_video
from .configuration import ConnectorConfig, LlamoConfig, VideoConfig
from .connectors import (
    ConnectorOutput,
    MotionInputs,
    build_connector,
    code_tokens,
    motion_writer,
    uses_motion_encoder,
)
from .enhancer import MotionFeatureEnhancer
from .llm import attach_lora, load_causal_lm, load_tokenizer
from .motion_encoder import MotionEncoder
from .persistence import load_model, save_model
from .splice import placeholder_mask, splice
from .video_encoder import build_video_encoder


@dataclass
class LlamoOutput:
    """loss (scalar or None), logits [B, L, V] (or [B, P, V] at `logit_positions` [P] when labels were given), the
    chosen frames [B, K'] (−1 at padding) and their mask."""

    loss: torch.Tensor | None
    logits: torch.Tensor
    frame_indices: torch.Tensor | None
    token_mask: torch.Tensor | None
    logit_positions: torch.Tensor | None = None


class LlamoModel(nn.Module):
    """Holds the LM (by composition, PEFT-wrapped when LoRA is on) and the motion modules."""

    def __init__(self, config: LlamoConfig, llm: nn.Module, tokenizer):
        super().__init__()
        self.config, self.tokenizer, self.llm = config, tokenizer, llm
        llm_dim = llm.config.hidden_size
        m, v = config.motion_encoder, config.video
        self.register_buffer("feature_mean", torch.zeros(config.feature_dim), persistent=False)
        self.register_buffer("feature_std", torch.ones(config.feature_dim), persistent=False)
        if uses_motion_encoder(config):
            self.motion_encoder = MotionEncoder(config.feature_dim, m.dim, depth=m.depth, heads=m.heads,
                                                dropout=m.dropout)
        self.video_encoder = None if v.encoder == "none" else build_video_encoder(v.encoder, v.name_or_path, v.dim,
                                                                                 v.image_size)
        if uses_motion_encoder(config):
            video_dim = self.video_encoder.dim if self.video_encoder is not None else None
            self.enhancer = MotionFeatureEnhancer(m.dim, video_dim, depth=v.enhancer_depth, heads=m.heads)
        code_offset = tokenizer.convert_tokens_to_ids(code_tokens(config)[0]) if code_tokens(config) else 0
        self.connector = build_connector(config, llm_dim, code_offset)
        self.processor = LlamoProcessor(tokenizer, config.llm.placeholder_token, config.token_count,
                                        motion_writer(config), system=config.llm.system_prompt,
                                        token_times=config.token_times if config.connector.time_text else None)
        self.placeholder_id = self.processor.placeholder_id

    # ----- inputs -----------------------------------------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return self.feature_mean.device

    def on_device(self, batch: dict) -> dict:
        """The batch's tensors on the model's device (a no-op for batches Accelerate already moved)."""
        return {k: v.to(self.device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}

    def set_normalizer(self, normalizer: Normalizer) -> None:
        self.feature_mean.copy_(torch.from_numpy(normalizer.mean))
        self.feature_std.copy_(torch.from_numpy(normalizer.std))

    def prepare(self, turns: list[Turn], motion: Motion | None = None, video: str | Path | None = None,
                generation: bool = False) -> Example:
        """One sample from a conversation and its media, ready for `collate`. A video without a motion goes
        through the Motion Estimator (video → motion); its frames also feed the video encoder when there is one."""
        if video is not None and motion is None:
            motion = MotionEstimator().estimate(video)
        frames = self.video_frames(video) if video is not None and self.video_encoder is not None else None
        features = self.motion_inputs(motion) if motion is not None else None
        text = self.processor.describe(motion) if self.processor.describe and motion is not None else None
        enc = self.processor.encode(turns, None if features is None else len(features), generation, text,
                                    motion.num_frames if motion is not None else None)
        return Example(enc.input_ids, enc.labels, enc.instruction_mask, motion=features, video=frames,
                       motion_frames=motion.num_frames if motion is not None else None)

    def video_frames(self, video: str | Path) -> torch.Tensor:
        """The frames the video encoder reads: config.video.num_frames, uniformly spaced, float [N, 3, S, S] in
        [0, 1] at S = config.video.image_size."""
        v = self.config.video
        pixels, _ = read_video(video, num_frames=v.num_frames, size=v.image_size)  # [N, S, S, 3] uint8
        return torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0

    def replace_connector(self, connector: ConnectorConfig) -> None:
        """A fresh connector of `connector`'s kind over the same trained motion encoder (encoder, enhancer,
        normaliser and LLM kept): connectors compared on one encoder. Only between kinds that read the encoder."""
        if not (uses_motion_encoder(self.config) and uses_motion_encoder(LlamoConfig(connector=connector))):
            raise ConfigError(f"a {self.config.connector.kind} model's connector cannot become {connector.kind}: "
                              "replace_connector swaps among cross_talker, uniform and all_frames (the connectors "
                              "that read the motion encoder)")
        self.config.connector = connector
        self.connector = build_connector(self.config, self.llm.config.hidden_size, 0).to(self.device)

    def set_num_tokens(self, num_tokens: int) -> None:
        """K, the motion tokens a cross_talker or uniform connector hands over (no weight depends on it)."""
        kind = self.config.connector.kind
        if kind not in ("cross_talker", "uniform") or num_tokens < 1:
            raise ConfigError(f"num_tokens={num_tokens} for a {kind} connector; accepted: K >= 1 for cross_talker "
                              "and uniform (the others' token counts follow the motion or the codebook)")
        self.config.connector = dataclasses.replace(self.config.connector, num_tokens=num_tokens)
        (self.connector.talker if kind == "cross_talker" else self.connector).num_tokens = num_tokens

    def set_time_text(self, on: bool) -> None:
        """Whether the prompt writes each motion token's time (connector.time_text; a prompt, not a weight)."""
        self.config.connector = dataclasses.replace(self.config.connector, time_text=on)  # validates the connector
        self.processor.token_times = self.config.token_times if on else None

    def add_video_branch(self, video: VideoConfig) -> None:
        """Give a model trained without video a video encoder and the Enhancer's video branch (LLaMo's Motion
        Feature Enhancer), which starts as a no-op (enhancer.add_video_branch), so the model answers as before
        until they train."""
        if self.video_encoder is not None:
            raise ConfigError("this model already has a video encoder")
        if video.encoder == "none" or not uses_motion_encoder(self.config):
            raise ConfigError(f"video.encoder={video.encoder!r} with connector {self.config.connector.kind!r}; "
                              "a video branch needs video.encoder 'tiny' or 'hf' and a connector with a motion "
                              "encoder (cross_talker, uniform, all_frames)")
        self.config.video = video
        self.video_encoder = build_video_encoder(video.encoder, video.name_or_path, video.dim, video.image_size)
        self.enhancer.add_video_branch(self.video_encoder.dim)
        self.video_encoder.to(self.device)
        self.enhancer.to(self.device)

    def motion_inputs(self, motion: Motion) -> torch.Tensor:
        """Raw encoder features [T', F] of a motion, uniformly subsampled to T' ≤ config.max_frames frames."""
        return torch.from_numpy(motion_features(motion)[self.kept_frames(motion.num_frames)])

    def kept_frames(self, num_frames: int) -> np.ndarray:
        """Which of a motion's T frames the model reads [T'] (all of them up to config.max_frames): maps the
        connector's frame indices back to the motion's own frames."""
        if num_frames <= self.config.max_frames:
            return np.arange(num_frames)
        return np.linspace(0, num_frames - 1, self.config.max_frames).round().astype(int)

    # ----- motion tokens ----------------------------------------------------------------------------------
    def get_motion_tokens(self, batch: dict, text_embeds: torch.Tensor) -> ConnectorOutput:
        """Motion [B, T, F] (+ video [B, N, 3, H, W]; + motion_hidden [B, T, D_m] cached) → the connector's tokens."""
        if "video" in batch and self.video_encoder is None:
            raise ConfigError("a video was given but this model has no video encoder (video.encoder='none'); "
                              "pass the motion only, or use a model trained with video")
        features = (batch["motion"] - self.feature_mean) / self.feature_std  # [B, T, F]
        mask = batch["motion_mask"]
        hidden = None
        if uses_motion_encoder(self.config):
            # A frozen encoder's output may come cached from disk (train/encoder_cache.py).
            hidden = batch["motion_hidden"] if "motion_hidden" in batch else self.motion_encoder(features, mask)
            video = self.video_encoder(batch["video"]) if "video" in batch else None  # [B, N, D_v]
            hidden = self.enhancer(hidden, mask, video, batch.get("video_mask"))
        text_mask = batch["instruction_mask"]
        return self.connector(MotionInputs(features, mask, hidden, text_embeds, text_mask, batch.get("motion_frames")))

    def word_embeddings(self, ids: torch.Tensor) -> torch.Tensor:
        """The LLM's input embeddings of ids [B, L] → [B, L, D], motion placeholders read as id 0."""
        return self.llm.get_input_embeddings()(ids.masked_fill(ids == self.placeholder_id, 0))

    def embed(self, batch: dict) -> tuple[torch.Tensor, ConnectorOutput | None]:
        """Input embeddings [B, L, D] with the motion tokens spliced in at the placeholders."""
        ids = batch["input_ids"]
        embedding = self.llm.get_input_embeddings()
        embeds = self.word_embeddings(ids)  # placeholders are overwritten below
        if "motion" not in batch:
            placeholder_mask(ids, self.placeholder_id, 0)
            return embeds, None
        out = self.get_motion_tokens(batch, embeds)
        tokens = out.embeds if out.embeds is not None else embedding(out.token_ids)  # [B, K', D]
        mask = placeholder_mask(ids, self.placeholder_id, int(out.mask.sum()))
        return splice(embeds, mask, tokens[out.mask]), out

    # ----- training forward ------------------------------------------------------------------------------
    def forward(self, **batch) -> LlamoOutput:
        """With labels, logits are computed only at the positions that predict an answer token (`logit_positions`):
        the LM head (a 49k-wide matmul, a fifth of SmolLM2's work per token) and its softmax are skipped for the
        prompt, and the loss equals the LM's own shifted next-token loss."""
        batch = self.on_device(batch)
        embeds, out = self.embed(batch)
        labels = batch.get("labels")
        targets = labels[:, 1:] if labels is not None else None  # [B, L-1]: position i predicts token i + 1
        positions = (targets != -100).any(0).nonzero().squeeze(1) if targets is not None else None  # [P]
        # No KV cache in a training forward: it is never read, and it makes torch.compile recompile every layer.
        lm = self.llm(inputs_embeds=embeds, attention_mask=batch["attention_mask"], use_cache=False,
                      logits_to_keep=positions if positions is not None else 0)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(lm.logits.flatten(0, 1).float(), targets[:, positions].flatten(), ignore_index=-100)
        return LlamoOutput(loss, lm.logits, out.frame_indices if out else None, out.mask if out else None, positions)

    # ----- generation ------------------------------------------------------------------------------------
    def suppressed_tokens(self) -> list[int]:
        """Tokens the model must never write: the placeholder and VQ codes are inputs only."""
        return [self.placeholder_id, *self.tokenizer.convert_tokens_to_ids(code_tokens(self.config))]

    @torch.no_grad()
    def generate(self, batch: dict, max_new_tokens: int = 32,
                 min_new_tokens: int = 0) -> tuple[torch.Tensor, ConnectorOutput | None]:
        """Greedy answers with the KV cache: new token ids [B, ≤ max_new_tokens] (batches left-padded) and the
        motion tokens' frames."""
        batch = self.on_device(batch)
        embeds, out = self.embed(batch)
        ids = self.llm.generate(
            inputs_embeds=embeds, attention_mask=batch["attention_mask"], max_new_tokens=max_new_tokens,
            min_new_tokens=min_new_tokens, do_sample=False, suppress_tokens=self.suppressed_tokens(),
            pad_token_id=self.tokenizer.pad_token_id, eos_token_id=self.tokenizer.eos_token_id,
        )
        return ids, out

    @torch.no_grad()
    def generate_without_cache(self, batch: dict, max_new_tokens: int = 32, min_new_tokens: int = 0) -> torch.Tensor:
        """The reference the cached path is checked against: every step re-reads the whole sequence. One
        unpadded sample; new token ids [1, ≤ max_new_tokens]. (transformers' generate keeps its cache when given
        inputs_embeds even with use_cache=False, so it cannot serve as this reference.)"""
        embeds, _ = self.embed(self.on_device(batch))  # [1, L, D]
        banned = torch.tensor(self.suppressed_tokens(), device=embeds.device)
        new: list[int] = []
        for step in range(max_new_tokens):
            logits = self.llm(inputs_embeds=embeds, use_cache=False).logits[:, -1].index_fill(-1, banned, float("-inf"))
            if step < min_new_tokens:
                logits[:, self.tokenizer.eos_token_id] = float("-inf")
            token = int(logits.argmax(-1))
            if token == self.tokenizer.eos_token_id:
                break
            new.append(token)
            next_embed = self.llm.get_input_embeddings()(torch.tensor([[token]], device=embeds.device))  # [1, 1, D]
            embeds = torch.cat([embeds, next_embed], dim=1)
        return torch.tensor([new], dtype=torch.long)

    @torch.no_grad()
    def start_stream(self, batch: dict, max_new_tokens: int = 32) -> tuple[ConnectorOutput | None, Iterator[str]]:
        """Greedy decoding of one sample with a KV cache: the motion tokens (their frames are known before the
        first word) and an iterator over the answer's text pieces as they are produced."""
        batch = self.on_device(batch)
        embeds, out = self.embed(batch)
        return out, self._decode_pieces(embeds, batch["attention_mask"], max_new_tokens)

    def stream(self, batch: dict, max_new_tokens: int = 32) -> Iterator[str]:
        """The text pieces of `start_stream`."""
        return self.start_stream(batch, max_new_tokens)[1]

    @torch.no_grad()
    def _decode_pieces(self, embeds: torch.Tensor, mask: torch.Tensor, max_new_tokens: int) -> Iterator[str]:
        step = self.llm(inputs_embeds=embeds, attention_mask=mask, use_cache=True)
        banned = torch.tensor(self.suppressed_tokens(), device=embeds.device)
        new: list[int] = []
        text = ""
        for _ in range(max_new_tokens):
            logits = step.logits[:, -1].index_fill(-1, banned, float("-inf"))  # [1, V]
            token = int(logits.argmax(-1))
            if token == self.tokenizer.eos_token_id:
                break
            new.append(token)
            decoded = self.tokenizer.decode(new, skip_special_tokens=True)
            yield decoded[len(text):]
            text = decoded
            mask = torch.cat([mask, mask.new_ones(1, 1)], dim=1)
            step = self.llm(input_ids=torch.tensor([[token]], device=embeds.device), attention_mask=mask,
                            cache=step.cache, use_cache=True)

    # ----- persistence -----------------------------------------------------------------------------------
    def motion_state_dict(self) -> dict[str, torch.Tensor]:
        """Weights of everything but the LM (the format of model.safetensors)."""
        return {k: v.detach().contiguous() for k, v in self.state_dict().items() if not k.startswith("llm.")}

    def save_pretrained(self, folder: str | Path) -> Path:
        return save_model(self, Path(folder))

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> "LlamoModel":
        return load_model(Path(folder), cls)


def build_model(config: LlamoConfig) -> LlamoModel:
    """A new model: tokenizer with llamo's tokens, the LM (pretrained or random `tiny`), LoRA, motion modules."""
    tokenizer = load_tokenizer(config.llm, code_tokens(config))
    llm = load_causal_lm(config.llm, len(tokenizer))
    if config.llm.use_lora:
        llm = attach_lora(llm, config.llm, tokenizer.convert_tokens_to_ids(code_tokens(config)))
    return LlamoModel(config, llm, tokenizer)
