import pytest
import torch

from llamo.model.enhancer import MotionFeatureEnhancer

VIDEO_DIM = 24


@pytest.fixture
def enhancer() -> MotionFeatureEnhancer:
    torch.manual_seed(0)
    return MotionFeatureEnhancer(dim=16, video_dim=VIDEO_DIM, depth=2, heads=2)


def is_video_param(name: str) -> bool:
    module = name.split(".")[2] if name.startswith("blocks.") else name  # blocks.<i>.<module>.<param>
    return module.startswith(("video_", "cross_"))


def test_without_video_the_video_params_are_unused(enhancer):
    motion, mask = torch.randn(2, 10, 16), torch.ones(2, 10, dtype=torch.bool)
    out = enhancer(motion, mask)
    assert out.shape == (2, 10, 16)
    out.square().sum().backward()
    video_params = {n: p for n, p in enhancer.named_parameters() if is_video_param(n)}
    assert "video_proj.weight" in video_params and "blocks.0.cross_attn.in_proj_weight" in video_params
    assert all(p.grad is None for p in video_params.values())
    assert all(p.grad is not None for n, p in enhancer.named_parameters() if n not in video_params)
    with torch.no_grad():
        for p in video_params.values():
            p.add_(torch.randn_like(p))
        torch.testing.assert_close(enhancer(motion, mask), out.detach())


def test_video_changes_the_output(enhancer):
    motion, mask = torch.randn(1, 10, 16), torch.ones(1, 10, dtype=torch.bool)
    with torch.no_grad():
        a = enhancer(motion, mask, torch.randn(1, 6, VIDEO_DIM))
        b = enhancer(motion, mask, torch.randn(1, 6, VIDEO_DIM))
        none = enhancer(motion, mask)
    assert not torch.allclose(a, b, atol=1e-3) and not torch.allclose(a, none, atol=1e-3)


def test_motion_and_video_padding_do_not_change_valid_outputs(enhancer):
    torch.manual_seed(1)
    motion, video = torch.randn(1, 9, 16), torch.randn(1, 5, VIDEO_DIM)
    alone = enhancer(motion, torch.ones(1, 9, dtype=torch.bool), video)
    padded_motion = torch.cat([torch.cat([motion, 50 * torch.randn(1, 6, 16)], 1), torch.randn(1, 15, 16)])
    padded_video = torch.cat([torch.cat([video, 50 * torch.randn(1, 3, VIDEO_DIM)], 1), torch.randn(1, 8, VIDEO_DIM)])
    motion_mask = torch.arange(15)[None] < torch.tensor([[9], [15]])
    video_mask = torch.arange(8)[None] < torch.tensor([[5], [8]])
    together = enhancer(padded_motion, motion_mask, padded_video, video_mask)
    torch.testing.assert_close(together[:1, :9], alone, atol=1e-5, rtol=0)
    assert torch.all(together[0, 9:] == 0)


def test_sample_without_video_in_a_mixed_batch(enhancer):
    motion, mask = torch.randn(2, 8, 16), torch.ones(2, 8, dtype=torch.bool)
    video_mask = torch.tensor([[True] * 4, [False] * 4])
    out = enhancer(motion, mask, torch.randn(2, 4, VIDEO_DIM), video_mask)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out[1:], enhancer(motion[1:], mask[1:]), atol=1e-6, rtol=0)


def test_a_video_branch_added_later_starts_as_a_no_op_then_trains():
    torch.manual_seed(0)
    enhancer = MotionFeatureEnhancer(dim=16, video_dim=None, depth=2, heads=2)  # as a trained motion-only model has
    motion, mask = torch.randn(2, 10, 16), torch.ones(2, 10, dtype=torch.bool)
    before = enhancer(motion, mask).detach()
    enhancer.add_video_branch(VIDEO_DIM)
    out = enhancer(motion, mask, torch.randn(2, 6, VIDEO_DIM))
    torch.testing.assert_close(out, before)  # the cross-attention's output starts at zero
    out.square().sum().backward()
    assert enhancer.blocks[0].cross_attn.out_proj.weight.grad.abs().sum() > 0  # ... and learns from the first step
    with pytest.raises(ValueError, match="already has a video branch"):
        enhancer.add_video_branch(VIDEO_DIM)
