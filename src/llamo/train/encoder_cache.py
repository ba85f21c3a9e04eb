"""Frozen motion-encoder outputs cached on disk, for stages that train everything after the encoder.

    <folder>/<encoder fingerprint>/<motion key>.safetensors   {"hidden": float32 [T, D_m]}

The fingerprint hashes the encoder's weights, the feature normaliser and max_frames, so a cache made by
another encoder is never read; the motion key hashes the file's resolved path, size and modification time, so
an edited motion is re-encoded. Files are written atomically (several processes may fill one cache).
"""

import hashlib
from pathlib import Path

import torch
from safetensors.torch import load_file, save

from ..atomic import atomic_write
from ..errors import ConfigError
from ..model.connectors import uses_motion_encoder


def fingerprint(model) -> str:
    """16 hex digits that change whenever the encoder's output for the same motion could."""
    digest = hashlib.sha256(str(model.config.max_frames).encode())
    tensors = {**{f"enc.{k}": v for k, v in model.motion_encoder.state_dict().items()},
               "mean": model.feature_mean, "std": model.feature_std}
    for name in sorted(tensors):
        digest.update(name.encode())
        digest.update(tensors[name].detach().cpu().contiguous().float().numpy().tobytes())
    return digest.hexdigest()[:16]


def motion_key(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:32]


class EncoderCache:
    """(motion path, raw features [T, F]) → the frozen encoder's output [T, D_m], from disk or computed once."""

    def __init__(self, model, folder: str | Path) -> None:
        if not uses_motion_encoder(model.config):
            raise ConfigError(f"encoder_cache: the {model.config.connector.kind} connector does not read the motion "
                              "encoder; remove encoder_cache")
        self.model = model
        self.folder = Path(folder) / fingerprint(model)
        self.computed = 0

    def path_for(self, motion: Path) -> Path:
        return self.folder / f"{motion_key(motion)}.safetensors"

    def __call__(self, motion: Path, features: torch.Tensor) -> torch.Tensor:
        file = self.path_for(motion)
        if file.is_file():
            return load_file(file)["hidden"]
        hidden = self.encode(features)
        atomic_write(file, lambda f: f.write(save({"hidden": hidden})))
        self.computed += 1
        return hidden

    @torch.no_grad()
    def encode(self, features: torch.Tensor) -> torch.Tensor:
        """Raw features [T, F] → encoder output [T, D_m] (eval mode, as in training with the encoder frozen)."""
        model = self.model
        encoder = model.motion_encoder
        was_training = encoder.training
        encoder.eval()
        normalised = (features.to(model.feature_mean.device) - model.feature_mean) / model.feature_std
        mask = torch.ones(1, len(features), dtype=torch.bool, device=normalised.device)
        hidden = encoder(normalised[None], mask)[0].float().cpu().contiguous()
        encoder.train(was_training)
        return hidden
