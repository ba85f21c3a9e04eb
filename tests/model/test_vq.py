"""MotionVQVAE: shapes, padding invariance, EMA codebook behaviour, straight-through gradients, and that a tiny
model actually learns to reconstruct smooth motion."""

import math

import pytest
import torch

from llamo.errors import ConfigError, MotionError
from llamo.model.vq import MotionVQVAE

FEATURES = 12


def tiny_vq(**overrides) -> MotionVQVAE:
    torch.manual_seed(0)
    return MotionVQVAE(**{"feature_dim": FEATURES, "dim": 16, "codebook_size": 32, "depth": 2, **overrides})


def smooth_motions(batch: int, frames: int, seed: int = 0) -> torch.Tensor:
    """Sums of two sinusoids per feature, random frequency and phase: [B, T, F]."""
    gen = torch.Generator().manual_seed(seed)
    t = torch.arange(frames, dtype=torch.float32)[None, :, None]  # [1, T, 1]
    out = torch.zeros(batch, frames, FEATURES)
    for _ in range(2):
        freq = 0.05 + 0.25 * torch.rand(batch, 1, FEATURES, generator=gen)
        phase = 2 * math.pi * torch.rand(batch, 1, FEATURES, generator=gen)
        out += 0.6 * torch.sin(2 * math.pi * freq * t + phase)
    return out


def test_shapes_when_frames_not_divisible():
    model = tiny_vq()
    features = smooth_motions(3, 37)
    mask = torch.ones(3, 37, dtype=torch.bool)
    mask[1, 30:] = False
    out = model(features, mask)
    assert model.num_codes(37) == 10 and model.num_codes(40) == 10 and model.num_codes(41) == 11
    assert out.reconstruction.shape == (3, 37, FEATURES)
    assert out.codes.shape == (3, 10) and out.codes.dtype == torch.long
    assert out.code_mask.tolist()[1] == [True] * 8 + [False] * 2  # frames 28, 29 valid → window 7 valid
    assert out.loss.shape == () and torch.isclose(out.loss, out.recon_loss + out.commit_loss)
    codes, code_mask = model.eval().encode(features, mask)
    assert codes.min() >= 0 and codes.max() < 32
    assert model.decode(codes, code_mask).shape == (3, 40, FEATURES)


@pytest.mark.parametrize("downsample", [1, 2, 8])
def test_other_downsampling_factors(downsample):
    model = tiny_vq(downsample=downsample)
    out = model(smooth_motions(2, 19), torch.ones(2, 19, dtype=torch.bool))
    assert out.codes.shape == (2, math.ceil(19 / downsample))
    assert out.reconstruction.shape == (2, 19, FEATURES)


def test_bad_arguments_raise():
    with pytest.raises(ConfigError, match="power of two"):
        MotionVQVAE(FEATURES, downsample=3)
    with pytest.raises(MotionError, match=r"\[B, T, 12\]"):
        tiny_vq()(torch.zeros(1, 8, 5))


def test_codes_do_not_depend_on_padding():
    model = tiny_vq().eval()
    alone = smooth_motions(1, 23, seed=1)
    batch = torch.cat([torch.randn(1, 40, FEATURES), smooth_motions(1, 40, seed=2)])  # garbage in the padding
    batch[0, :23] = alone[0]
    mask = torch.ones(2, 40, dtype=torch.bool)
    mask[0, 23:] = False
    codes_alone, mask_alone = model.encode(alone)
    codes_batch, mask_batch = model.encode(batch, mask)
    assert mask_alone.tolist() == [[True] * 6] and mask_batch[0].tolist() == [True] * 6 + [False] * 4
    assert torch.equal(codes_batch[0, :6], codes_alone[0])
    assert (codes_batch[0, 6:] == 0).all()
    out_alone, out_batch = model(alone), model(batch, mask)
    torch.testing.assert_close(out_batch.reconstruction[0, :23], out_alone.reconstruction[0], atol=1e-5, rtol=1e-5)


def test_padding_is_left_out_of_losses_and_ema():
    features = smooth_motions(2, 24)
    mask = torch.ones(2, 24, dtype=torch.bool)
    mask[0, 13:] = False
    noisy = features.clone()
    noisy[0, 13:] = 100 * torch.randn(11, FEATURES)
    results = []
    for x in (features, noisy):
        model = tiny_vq().train()
        torch.manual_seed(1)  # dead-code restarts draw from the torch RNG
        out = model(x, mask)
        results.append((out.loss, model.quantizer.codebook.clone(), model.quantizer.cluster_size.clone()))
    for clean, dirty in zip(*results, strict=False):
        torch.testing.assert_close(clean, dirty)


def test_eval_mode_leaves_codebook_alone():
    model = tiny_vq().eval()
    before = {k: v.clone() for k, v in model.quantizer.state_dict().items()}
    model(smooth_motions(2, 32))
    model.encode(smooth_motions(2, 32))
    for name, value in model.quantizer.state_dict().items():
        assert torch.equal(value, before[name]), name
    model.train()(smooth_motions(2, 32))
    assert not torch.equal(model.quantizer.codebook, before["codebook"])


def test_straight_through_gradient_reaches_encoder():
    model = tiny_vq().train()
    out = model(smooth_motions(2, 16))
    out.recon_loss.backward()  # the reconstruction path passes the quantiser only through the estimator
    grad = model.encoder.conv_in.weight.grad
    assert grad is not None and grad.abs().sum() > 0
    assert all(b.grad is None for b in model.quantizer.buffers())


@pytest.fixture
def one_thread():
    """Ops this small cost more in thread hand-offs than they save; restore the setting afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_training_reduces_reconstruction_loss_and_uses_codes(one_thread):
    model = tiny_vq().train()
    features = smooth_motions(8, 32, seed=3)
    mask = torch.ones(8, 32, dtype=torch.bool)
    mask[::2, 26:] = False
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    first = model(features, mask).recon_loss.item()
    for _ in range(200):
        out = model(features, mask)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
    model.eval()
    last = model(features, mask)
    assert last.recon_loss.item() < 0.5 * first, (first, last.recon_loss.item())
    assert last.perplexity.item() > 1.0
