"""MotionVQVAE: the motion tokenizer of the `vq_tokens` baseline (MotionGPT, after T2M-GPT's VQ-VAE).

A 1-D convolutional encoder shrinks time by `downsample`, an EMA codebook with dead-code restart turns each
latent into one of `codebook_size` codes, and a mirrored decoder reconstructs the features. Padding is masked
after every convolution, so a motion gets the same codes alone as padded inside a batch.

Shapes: B batch, T motion frames, F motion feature width, T' = ceil(T / downsample) latents (one code each),
C latent width (`dim`), N codebook size. Masks are bool with True = valid (not padding).
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError, MotionError


def pool_mask(mask: torch.Tensor, factor: int) -> torch.Tensor:
    """A window of `factor` frames is valid when any frame in it is: [B, L] → [B, L / factor]."""
    return mask.view(mask.shape[0], -1, factor).any(-1)


class ResBlock(nn.Module):
    """T2M-GPT's residual unit: ReLU → dilated conv(3) → ReLU → conv(1), added back to the input."""

    def __init__(self, dim: int, dilation: int) -> None:
        super().__init__()
        self.conv_1 = nn.Conv1d(dim, dim, 3, padding=dilation, dilation=dilation)
        self.conv_2 = nn.Conv1d(dim, dim, 1)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """x [B, C, L] (zero at padding), keep [B, 1, L] float → [B, C, L], zero at padding."""
        return (x + self.conv_2(F.relu(self.conv_1(F.relu(x))))) * keep


class ResStack(nn.Module):
    """`depth` residual units with dilations 1, 3, 9, …: the receptive field grows geometrically."""

    def __init__(self, dim: int, depth: int, reverse: bool = False) -> None:
        super().__init__()
        dilations = [3**i for i in range(depth)]
        self.blocks = nn.ModuleList(ResBlock(dim, d) for d in (dilations[::-1] if reverse else dilations))

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """x [B, C, L], keep [B, 1, L] → [B, C, L]."""
        for block in self.blocks:
            x = block(x, keep)
        return x


class VQEncoder(nn.Module):
    """conv → (stride-2 conv → residual stack) × levels → conv: [B, F, T'·2^levels] → [B, C, T']."""

    def __init__(self, feature_dim: int, dim: int, levels: int, depth: int) -> None:
        super().__init__()
        self.conv_in = nn.Conv1d(feature_dim, dim, 3, padding=1)
        self.down = nn.ModuleList(nn.Conv1d(dim, dim, 4, stride=2, padding=1) for _ in range(levels))
        self.res = nn.ModuleList(ResStack(dim, depth) for _ in range(levels))
        self.conv_out = nn.Conv1d(dim, dim, 3, padding=1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x [B, F, L], mask [B, L] → latents [B, C, L / 2^levels], zero at padded latents."""
        keep = mask[:, None].to(x.dtype)  # [B, 1, L]
        h = F.relu(self.conv_in(x * keep)) * keep  # [B, C, L]
        for down, res in zip(self.down, self.res, strict=False):
            mask = pool_mask(mask, 2)
            keep = mask[:, None].to(x.dtype)  # [B, 1, L / 2]
            h = res(down(h) * keep, keep)  # [B, C, L / 2]
        return self.conv_out(h) * keep


class VQDecoder(nn.Module):
    """The encoder mirrored: conv → (residual stack → ×2 nearest upsampling → conv) × levels → conv."""

    def __init__(self, feature_dim: int, dim: int, levels: int, depth: int) -> None:
        super().__init__()
        self.conv_in = nn.Conv1d(dim, dim, 3, padding=1)
        self.res = nn.ModuleList(ResStack(dim, depth, reverse=True) for _ in range(levels))
        self.up = nn.ModuleList(nn.Conv1d(dim, dim, 3, padding=1) for _ in range(levels))
        self.conv_out = nn.Conv1d(dim, feature_dim, 3, padding=1)

    def forward(self, q: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """q [B, C, T'], mask [B, T'] → features [B, F, T'·2^levels], zero at padded latents' frames."""
        keep = mask[:, None].to(q.dtype)  # [B, 1, T']
        h = F.relu(self.conv_in(q * keep)) * keep  # [B, C, T']
        for res, up in zip(self.res, self.up, strict=False):
            h = F.interpolate(res(h, keep), scale_factor=2, mode="nearest")  # [B, C, 2L]
            keep = keep.repeat_interleave(2, dim=-1)  # [B, 1, 2L]
            h = F.relu(up(h)) * keep
        return self.conv_out(h) * keep


@dataclass
class QuantizerOutput:
    """What the quantiser hands back; latents are channels-last here."""

    quantized: torch.Tensor  # [B, T', C], straight-through: its gradient flows into the encoder's latents
    codes: torch.Tensor  # [B, T'] long, 0 at padded latents
    commit_loss: torch.Tensor  # scalar, commitment · mean ||z − sg(q)||² over valid latents
    perplexity: torch.Tensor  # scalar, exp(entropy) of code usage over valid latents


class EMAQuantizer(nn.Module):
    """Nearest-code quantiser whose codebook follows an exponential moving average of its assigned latents.

    The codebook is not trained by gradients (van den Oord et al. 2017, appendix; VQ-VAE-2). Cluster sizes are
    Laplace-smoothed so a rarely used code never divides by zero. A code whose EMA cluster size falls below
    `dead_threshold` is restarted at a random valid latent of the batch (T2M-GPT's reset); the codebook starts
    with all sizes at 0, so the first training batch initialises every code from data.

    Args:
        codebook_size: N, the number of codes.
        dim: C, the code width.
        commitment: β, weight of the commitment loss.
        decay: EMA decay of cluster sizes and sums.
        dead_threshold: EMA cluster size under which a code is restarted.
        eps: Laplace smoothing constant.
    """

    def __init__(
        self,
        codebook_size: int,
        dim: int,
        commitment: float = 0.25,
        decay: float = 0.99,
        dead_threshold: float = 1.0,
        eps: float = 1e-5,
    ) -> None:
        super().__init__()
        self.commitment = commitment
        self.decay = decay
        self.dead_threshold = dead_threshold
        self.eps = eps
        self.register_buffer("codebook", torch.randn(codebook_size, dim))  # [N, C]
        self.register_buffer("cluster_size", torch.zeros(codebook_size))  # [N]
        self.register_buffer("embed_sum", torch.zeros(codebook_size, dim))  # [N, C]

    def nearest(self, z: torch.Tensor) -> torch.Tensor:
        """z [M, C] → index of the closest code by L2 distance [M]."""
        dist = z.pow(2).sum(1, keepdim=True) - 2 * z @ self.codebook.T + self.codebook.pow(2).sum(1)  # [M, N]
        return dist.argmin(1)

    def lookup(self, codes: torch.Tensor) -> torch.Tensor:
        """codes [...] long → code vectors [..., C]."""
        return F.embedding(codes, self.codebook)

    @torch.no_grad()
    def update(self, z: torch.Tensor, codes: torch.Tensor) -> None:
        """EMA step on valid latents z [M, C] assigned to codes [M], then restart dead codes from z."""
        onehot = F.one_hot(codes, self.codebook.shape[0]).to(z.dtype)  # [M, N]
        self.cluster_size.mul_(self.decay).add_(onehot.sum(0), alpha=1 - self.decay)
        self.embed_sum.mul_(self.decay).add_(onehot.T @ z, alpha=1 - self.decay)
        total = self.cluster_size.sum()
        smoothed = (self.cluster_size + self.eps) / (total + self.codebook.shape[0] * self.eps) * total  # [N]
        self.codebook.copy_(self.embed_sum / smoothed[:, None])
        dead = self.cluster_size < self.dead_threshold  # [N]
        num_dead = int(dead.sum())
        if num_dead == 0 or z.shape[0] == 0:
            return
        # A restarted code gets exactly the threshold as its size, so its mean is the latent it restarts at.
        restart = z[torch.randint(z.shape[0], (num_dead,), device=z.device)]  # [num_dead, C]
        self.codebook[dead] = restart
        self.embed_sum[dead] = restart * self.dead_threshold
        self.cluster_size[dead] = self.dead_threshold

    def forward(self, z: torch.Tensor, mask: torch.Tensor) -> QuantizerOutput:
        """z [B, T', C], mask [B, T'] → QuantizerOutput; updates the codebook in training mode only."""
        valid = z[mask].detach()  # [M, C], only real latents vote or get compared
        codes = torch.zeros(mask.shape, dtype=torch.long, device=z.device)  # [B, T']
        codes[mask] = self.nearest(valid)
        q = self.lookup(codes)  # [B, T', C], taken before the EMA step moves the codebook
        if self.training:
            self.update(valid, codes[mask])
        keep = mask[..., None].to(z.dtype)  # [B, T', 1]
        num_valid = (keep.sum() * z.shape[-1]).clamp(min=1)
        commit = self.commitment * ((z - q.detach()).pow(2) * keep).sum() / num_valid
        return QuantizerOutput(
            quantized=(z + (q - z).detach()) * keep,
            codes=codes,
            commit_loss=commit,
            perplexity=self.perplexity(codes[mask]),
        )

    def perplexity(self, codes: torch.Tensor) -> torch.Tensor:
        """codes [M] → exp(entropy of the code histogram); 1 means one code, N means all codes equally."""
        counts = torch.bincount(codes, minlength=self.codebook.shape[0]).float()  # [N]
        prob = counts / counts.sum().clamp(min=1)
        return torch.exp(-(prob * torch.log(prob + 1e-10)).sum())


@dataclass
class VQOutput:
    """MotionVQVAE.forward's result."""

    reconstruction: torch.Tensor  # [B, T, F]
    codes: torch.Tensor  # [B, T'] long
    code_mask: torch.Tensor  # [B, T'] bool
    loss: torch.Tensor  # scalar, recon_loss + commit_loss
    recon_loss: torch.Tensor  # scalar, smooth-L1 over valid frames
    commit_loss: torch.Tensor  # scalar
    perplexity: torch.Tensor  # scalar, of code usage over valid latents


class MotionVQVAE(nn.Module):
    """Motion features → discrete codes → features (T2M-GPT's VQ-VAE, as MotionGPT uses it).

    Args:
        feature_dim: F, the width of one frame's features.
        dim: C, the latent and code width.
        codebook_size: N, the number of codes (new vocabulary entries for the LLM).
        downsample: frames per code; a power of two (one stride-2 convolution per factor of 2).
        depth: residual units per resolution level.
        commitment: β, weight of the commitment loss.
        ema_decay: EMA decay of the codebook statistics.
    """

    def __init__(
        self,
        feature_dim: int,
        dim: int = 256,
        codebook_size: int = 512,
        downsample: int = 4,
        depth: int = 2,
        commitment: float = 0.25,
        ema_decay: float = 0.99,
    ) -> None:
        super().__init__()
        if downsample < 1 or downsample & (downsample - 1):
            raise ConfigError(f"downsample={downsample}; accepted: a power of two (1, 2, 4, 8, …)")
        self.feature_dim = feature_dim
        self.downsample = downsample
        levels = int(math.log2(downsample))
        self.encoder = VQEncoder(feature_dim, dim, levels, depth)
        self.quantizer = EMAQuantizer(codebook_size, dim, commitment, ema_decay)
        self.decoder = VQDecoder(feature_dim, dim, levels, depth)

    def num_codes(self, num_frames: int) -> int:
        """Codes for a motion of `num_frames` frames: ceil(T / downsample), the connector's token count."""
        return -(-num_frames // self.downsample)

    def _latents(self, features: torch.Tensor, mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """features [B, T, F], mask [B, T] → latents [B, T', C] and latent mask [B, T']."""
        if features.dim() != 3 or features.shape[-1] != self.feature_dim:
            found = tuple(features.shape)
            raise MotionError(f"VQ-VAE features have shape {found}; accepted: [B, T, {self.feature_dim}]")
        batch, frames, _ = features.shape
        if mask is None:
            mask = torch.ones(batch, frames, dtype=torch.bool, device=features.device)
        # Pad to whole windows so the last, partial window still gets a code; padded frames are masked out.
        pad = self.num_codes(frames) * self.downsample - frames
        x = F.pad(features.transpose(1, 2), (0, pad))  # [B, F, T'·downsample]
        mask = F.pad(mask, (0, pad), value=False)  # [B, T'·downsample]
        z = self.encoder(x, mask).transpose(1, 2)  # [B, T', C]
        return z, pool_mask(mask, self.downsample)

    def forward(self, features: torch.Tensor, mask: torch.Tensor | None = None) -> VQOutput:
        """features [B, T, F], mask [B, T] (None = all valid) → VQOutput; EMA-updates the codebook when training."""
        z, code_mask = self._latents(features, mask)
        quantized = self.quantizer(z, code_mask)
        frames = features.shape[1]
        recon = self.decoder(quantized.quantized.transpose(1, 2), code_mask).transpose(1, 2)[:, :frames]  # [B, T, F]
        frame_mask = torch.ones_like(features[..., 0], dtype=torch.bool) if mask is None else mask  # [B, T]
        err = F.smooth_l1_loss(recon, features, reduction="none") * frame_mask[..., None]  # [B, T, F]
        recon_loss = err.sum() / (frame_mask.sum() * self.feature_dim).clamp(min=1)
        return VQOutput(
            reconstruction=recon,
            codes=quantized.codes,
            code_mask=code_mask,
            loss=recon_loss + quantized.commit_loss,
            recon_loss=recon_loss,
            commit_loss=quantized.commit_loss,
            perplexity=quantized.perplexity,
        )

    @torch.no_grad()
    def encode(self, features: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """features [B, T, F], mask [B, T] → codes [B, T'] long (0 at padding), code_mask [B, T']; no EMA step."""
        z, code_mask = self._latents(features, mask)
        codes = torch.zeros(code_mask.shape, dtype=torch.long, device=z.device)  # [B, T']
        codes[code_mask] = self.quantizer.nearest(z[code_mask])
        return codes, code_mask

    def decode(self, codes: torch.Tensor, code_mask: torch.Tensor | None = None) -> torch.Tensor:
        """codes [B, T'] long, code_mask [B, T'] → features [B, T'·downsample, F] (zero under padded codes)."""
        if code_mask is None:
            code_mask = torch.ones_like(codes, dtype=torch.bool)
        q = self.quantizer.lookup(codes).transpose(1, 2)  # [B, C, T']
        return self.decoder(q, code_mask).transpose(1, 2)
