import pytest
import torch

from llamo.model.cross_talker import CrossTalker, CrossTalkerOutput, SumContext, segment_pool

DIM, TEXT_DIM = 16, 24


def lengths_mask(lengths: list[int], total: int) -> torch.Tensor:
    return torch.arange(total)[None] < torch.tensor(lengths)[:, None]


@pytest.fixture
def talker() -> CrossTalker:
    torch.manual_seed(0)
    return CrossTalker(dim=DIM, text_dim=TEXT_DIM, num_tokens=6, heads=2, num_segments=4, time_stamps=True,
                       sum_context=True)


def test_picks_the_frames_the_text_attends_to():
    torch.manual_seed(0)
    talker = CrossTalker(dim=DIM, text_dim=DIM, num_tokens=3, heads=2, selection="topk")
    with torch.no_grad():  # W_Q = W_K = I, so A is the softmax of plain dot products
        talker.select_query.weight.copy_(torch.eye(DIM))
        talker.select_key.weight.copy_(torch.eye(DIM))
    motion = 0.1 * torch.randn(1, 20, DIM)
    motion[..., 0] = 0.0  # every frame orthogonal to the text direction e_0 ...
    motion[0, [3, 7, 11]] = 0.0
    motion[0, [3, 7, 11], 0] = 10.0  # ... except frames 3, 7, 11
    text = 0.1 * torch.randn(1, 4, DIM)
    text[0, 1] = 0.0
    text[0, 1, 0] = 10.0
    out = talker(motion, torch.ones(1, 20, dtype=torch.bool), text, torch.ones(1, 4, dtype=torch.bool))
    assert out.indices.tolist() == [[3, 7, 11]]
    assert out.scores[0].argsort(descending=True)[:3].sort().values.tolist() == [3, 7, 11]


def test_window_ratios_are_inside_the_bound(talker):
    motion, text = torch.randn(2, 30, DIM), torch.randn(2, 5, TEXT_DIM)
    out = talker(motion, lengths_mask([30, 17], 30), text, torch.ones(2, 5, dtype=torch.bool))
    ratios = out.window_ratios[out.token_mask]
    assert ratios.numel() == 12 and torch.all(ratios > 0) and torch.all(ratios < talker.max_window_ratio)


def test_gradients_reach_every_parameter(talker):
    torch.manual_seed(2)
    motion, text = torch.randn(2, 20, DIM), torch.randn(2, 5, TEXT_DIM)
    out = talker(motion, lengths_mask([20, 14], 20), text, lengths_mask([5, 3], 5))
    out.tokens.sum().backward()
    for name, param in talker.named_parameters():
        assert param.grad is not None and param.grad.abs().max() > 0, name


def test_short_motions_keep_every_frame_in_order_and_mask_the_rest(talker):
    motion, text = torch.randn(3, 5, DIM), torch.randn(3, 4, TEXT_DIM)
    out = talker(motion, lengths_mask([5, 3, 1], 5), text, torch.ones(3, 4, dtype=torch.bool))
    assert isinstance(out, CrossTalkerOutput)
    assert out.tokens.shape == (3, 5, DIM) and out.scores.shape == (3, 5)  # K' = min(6, 5)
    assert out.indices.tolist() == [[0, 1, 2, 3, 4], [0, 1, 2, -1, -1], [0, -1, -1, -1, -1]]
    assert out.token_mask.tolist() == (out.indices >= 0).tolist()
    assert torch.all(out.tokens[~out.token_mask] == 0) and torch.all(out.window_ratios[~out.token_mask] == 0)
    assert torch.all(out.scores[1, 3:] == 0) and torch.isfinite(out.tokens).all()


def test_long_motions_give_sorted_distinct_indices(talker):
    motion, text = torch.randn(2, 30, DIM), torch.randn(2, 4, TEXT_DIM)
    out = talker(motion, lengths_mask([30, 9], 30), text, torch.ones(2, 4, dtype=torch.bool))
    assert out.indices.shape == (2, 6) and out.token_mask.all()
    for row, length in zip(out.indices, (30, 9), strict=False):
        assert torch.all(row[1:] > row[:-1]) and 0 <= row.min() and row.max() < length


def test_text_padding_does_not_change_results(talker):
    torch.manual_seed(3)
    motion, mask, text = torch.randn(1, 20, DIM), torch.ones(1, 20, dtype=torch.bool), torch.randn(1, 4, TEXT_DIM)
    alone = talker(motion, mask, text, torch.ones(1, 4, dtype=torch.bool))
    padded = torch.cat([text, 50 * torch.randn(1, 3, TEXT_DIM)], 1)
    with_pad = talker(motion, mask, padded, lengths_mask([4], 7))
    for field in ("tokens", "scores", "window_ratios"):
        torch.testing.assert_close(getattr(with_pad, field), getattr(alone, field), atol=1e-5, rtol=0)
    assert torch.equal(with_pad.indices, alone.indices)


def test_motion_padding_does_not_change_results(talker):
    torch.manual_seed(4)
    motion, text = torch.randn(1, 14, DIM), torch.randn(1, 4, TEXT_DIM)
    alone = talker(motion, torch.ones(1, 14, dtype=torch.bool), text, torch.ones(1, 4, dtype=torch.bool))
    batch = torch.cat([torch.cat([motion, 50 * torch.randn(1, 10, DIM)], 1), torch.randn(1, 24, DIM)])
    together = talker(batch, lengths_mask([14, 24], 24), text.expand(2, -1, -1), torch.ones(2, 4, dtype=torch.bool))
    assert torch.equal(together.indices[:1], alone.indices)
    torch.testing.assert_close(together.tokens[:1], alone.tokens, atol=1e-5, rtol=0)
    torch.testing.assert_close(together.scores[:1, :14], alone.scores, atol=1e-6, rtol=0)


def test_segments_are_contiguous_means():
    motion = torch.arange(10.0)[None, :, None].expand(2, 10, 1)  # frame t has value t
    pooled, mask = segment_pool(motion, lengths_mask([10, 3], 10), num_segments=4)
    assert mask.tolist() == [[True] * 4, [True, True, True, False]]
    torch.testing.assert_close(pooled[0, :, 0], torch.tensor([1.0, 3.5, 6.0, 8.5]))  # 3 + 2 + 3 + 2 frames
    torch.testing.assert_close(pooled[1, :3, 0], torch.tensor([0.0, 1.0, 2.0]))


def attending_talker(num_tokens: int) -> CrossTalker:
    """W_Q = W_K = I, so the frame scores are the softmax of plain dot products with the text."""
    talker = CrossTalker(dim=DIM, text_dim=DIM, num_tokens=num_tokens, heads=2, selection="segments")
    with torch.no_grad():
        talker.select_query.weight.copy_(torch.eye(DIM))
        talker.select_key.weight.copy_(torch.eye(DIM))
    return talker


def test_segments_keep_the_best_frame_of_each_part_in_order():
    torch.manual_seed(0)
    talker = attending_talker(num_tokens=3)  # 20 frames → parts 0-6, 7-13, 14-19
    motion = 0.1 * torch.randn(1, 20, DIM)
    motion[..., 0] = 0.0
    motion[0, [3, 5, 9], 0] = torch.tensor([4.0, 8.0, 6.0])  # two attended frames in part 0, one in part 1
    text = torch.zeros(1, 2, DIM)
    text[..., 0] = 1.0
    out = talker(motion, torch.ones(1, 20, dtype=torch.bool), text, torch.ones(1, 2, dtype=torch.bool))
    first, second, third = out.indices[0].tolist()
    assert (first, second) == (5, 9)  # the better of 3 and 5; top-K would have kept both
    assert 14 <= third <= 19  # the last part still gets a token, so the end of the motion stays visible


def test_segments_stay_inside_each_samples_valid_frames():
    torch.manual_seed(1)
    talker = attending_talker(num_tokens=3)
    motion, text = torch.randn(2, 20, DIM), torch.randn(2, 4, DIM)
    out = talker(motion, lengths_mask([20, 7], 20), text, torch.ones(2, 4, dtype=torch.bool))
    parts = [[range(0, 7), range(7, 14), range(14, 20)], [range(0, 3), range(3, 5), range(5, 7)]]
    for sample, ranges in zip(out.indices.tolist(), parts):
        assert all(index in part for index, part in zip(sample, ranges))
    assert out.token_mask.all()


def test_unknown_selection_is_refused():
    with pytest.raises(ValueError, match="accepted: 'segments', 'topk'"):
        CrossTalker(dim=DIM, text_dim=DIM, num_tokens=3, selection="random")


def test_time_stamps_tell_tokens_apart_by_position_and_length(talker):
    indices = torch.tensor([[0, 5], [0, 5]])
    stamps = talker.time_embedding(indices, lengths_mask([10, 20], 20), torch.float32)  # [2, 2, DIM]
    assert not torch.allclose(stamps[0, 0], stamps[0, 1])  # where the token sits
    assert not torch.allclose(stamps[0, 1], stamps[1, 1])  # how long the motion is


def test_time_stamps_of_a_subsampled_motion_count_its_own_frames(talker):
    """10 frames read out of a 19-frame motion: read index 5 is the motion's frame 10, the length is 19."""
    sub = talker.time_embedding(torch.tensor([[0, 5]]), lengths_mask([10], 10), torch.float32, torch.tensor([19]))
    own = talker.time_embedding(torch.tensor([[0, 10]]), lengths_mask([19], 19), torch.float32)
    torch.testing.assert_close(sub, own)
    whole = talker.time_embedding(torch.tensor([[0, 5]]), lengths_mask([10], 10), torch.float32, torch.tensor([10]))
    torch.testing.assert_close(whole, talker.time_embedding(torch.tensor([[0, 5]]), lengths_mask([10], 10),
                                                            torch.float32))  # not subsampled: unchanged


def test_zero_init_hands_over_the_kept_frames_unchanged():
    torch.manual_seed(0)
    talker = CrossTalker(DIM, TEXT_DIM, num_tokens=4, heads=2, selection="segments", time_stamps=True, zero_init=True)
    motion, mask = torch.randn(2, 24, DIM), lengths_mask([24, 13], 24)
    out = talker(motion, mask, torch.randn(2, 5, TEXT_DIM), torch.ones(2, 5, dtype=torch.bool))
    kept = torch.gather(motion, 1, out.indices.clamp(min=0)[..., None].expand(-1, -1, DIM))
    torch.testing.assert_close(out.tokens, kept * out.token_mask[..., None])
    out.tokens.sum().backward()
    assert talker.mlp[-1].weight.grad.abs().sum() > 0, "the zeroed layers still learn"


def test_part_pooling_adds_each_parts_mean_frame():
    torch.manual_seed(0)
    talker = CrossTalker(DIM, TEXT_DIM, num_tokens=4, heads=2, selection="segments", part_pooling=True,
                         zero_init=True)
    motion, mask = torch.randn(2, 24, DIM), lengths_mask([24, 13], 24)
    out = talker(motion, mask, torch.randn(2, 5, TEXT_DIM), torch.ones(2, 5, dtype=torch.bool))
    kept = torch.gather(motion, 1, out.indices.clamp(min=0)[..., None].expand(-1, -1, DIM))
    part = motion[1, 7:10].mean(0)  # sample 1 third part of 13 frames: rank * 4 // 13 == 2 for frames 7..9
    torch.testing.assert_close(out.tokens[1, 2], kept[1, 2] + part)
    for sample, length in ((0, 24), (1, 13)):
        assert out.indices[sample].tolist() == sorted(out.indices[sample].tolist())
        assert int(out.token_mask[sample].sum()) == 4 and out.indices[sample].max() < length


def test_part_pooling_needs_parts():
    with pytest.raises(ValueError, match="part_pooling"):
        CrossTalker(DIM, TEXT_DIM, num_tokens=4, selection="topk", part_pooling=True)


def test_sum_context_counts_what_a_mean_cannot():
    torch.manual_seed(0)
    pool = SumContext(DIM, TEXT_DIM)
    motion, text = torch.randn(1, 10, DIM), torch.randn(1, 3, TEXT_DIM)
    texts = torch.ones(1, 3, dtype=torch.bool)
    once = pool(motion, torch.ones(1, 10, dtype=torch.bool), text, texts) - pool.out.bias
    twice = pool(motion.repeat(1, 2, 1), torch.ones(1, 20, dtype=torch.bool), text, texts) - pool.out.bias
    torch.testing.assert_close(twice, 2 * once)  # the same frames twice: twice the context (a mean would not move)
    padded = pool(torch.cat([motion, 50 * torch.randn(1, 5, DIM)], 1), lengths_mask([10], 15), text, texts)
    torch.testing.assert_close(padded - pool.out.bias, once)


def test_sum_context_starts_at_zero_and_learns():
    torch.manual_seed(0)
    plain = CrossTalker(DIM, TEXT_DIM, num_tokens=4, heads=2, selection="segments", zero_init=True)
    torch.manual_seed(0)
    summed = CrossTalker(DIM, TEXT_DIM, num_tokens=4, heads=2, selection="segments", zero_init=True,
                         sum_context=True)
    motion, mask, text = torch.randn(2, 24, DIM), lengths_mask([24, 13], 24), torch.randn(2, 5, TEXT_DIM)
    texts = torch.ones(2, 5, dtype=torch.bool)
    out = summed(motion, mask, text, texts)
    torch.testing.assert_close(out.tokens, plain(motion, mask, text, texts).tokens)
    out.tokens.sum().backward()
    assert summed.sum_pool.out.weight.grad.abs().sum() > 0


def test_sum_value_change_sees_the_previous_frame_and_ignores_padding():
    torch.manual_seed(0)
    pool = SumContext(DIM, TEXT_DIM, value="change")
    motion, text = torch.randn(1, 10, DIM), torch.randn(1, 3, TEXT_DIM)
    values = pool.value(pool.norm(motion))  # [1, 10, D_m]
    moved = motion.clone()
    moved[0, 4] += 1.0
    changed = (pool.value(pool.norm(moved)) - values).abs().sum(-1)[0]  # [10]
    assert changed[4] > 0 and changed[5] > 0  # frame 4's value, and frame 5's through its change
    assert torch.all(changed[[0, 1, 2, 3, 6, 7, 8, 9]] == 0)
    texts, full = torch.ones(1, 3, dtype=torch.bool), torch.ones(1, 10, dtype=torch.bool)
    padded = pool(torch.cat([motion, 50 * torch.randn(1, 5, DIM)], 1), lengths_mask([10], 15), text, texts)
    torch.testing.assert_close(padded, pool(motion, full, text, texts))


def test_sum_value_must_be_known():
    from llamo.errors import ConfigError
    from llamo.model.configuration import ConnectorConfig

    with pytest.raises(ValueError, match="accepted"):
        SumContext(DIM, TEXT_DIM, value="delta")
    with pytest.raises(ConfigError, match="sum_value"):
        ConnectorConfig(sum_value="delta")
