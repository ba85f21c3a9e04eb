import pytest
import torch

from llamo.model.motion_encoder import MotionEncoder, sinusoidal_positions


@pytest.fixture
def encoder() -> MotionEncoder:
    torch.manual_seed(0)
    return MotionEncoder(feature_dim=137, dim=16, depth=2, heads=2, max_frames=32)


def test_shape_and_padded_frames_are_zero(encoder):
    features = torch.randn(2, 20, 137)
    mask = torch.arange(20)[None] < torch.tensor([[20], [12]])
    out = encoder(features, mask)
    assert out.shape == (2, 20, 16)
    assert torch.all(out[1, 12:] == 0) and torch.isfinite(out).all()


@pytest.mark.parametrize("train", [True, False])
def test_padding_does_not_change_valid_outputs(encoder, train):
    encoder.train(train)
    torch.manual_seed(1)
    short = torch.randn(1, 13, 137)
    padded = torch.cat([short, 100 * torch.randn(1, 7, 137)], 1)  # garbage in the padding
    batch = torch.cat([padded, torch.randn(1, 20, 137)])
    mask = torch.arange(20)[None] < torch.tensor([[13], [20]])
    with torch.no_grad():
        alone = encoder(short, torch.ones(1, 13, dtype=torch.bool))
        together = encoder(batch, mask)
    torch.testing.assert_close(together[:1, :13], alone, atol=1e-5, rtol=0)


def test_motions_longer_than_the_position_table(encoder):
    out = encoder(torch.randn(1, 40, 137), torch.ones(1, 40, dtype=torch.bool))  # max_frames is 32
    assert out.shape == (1, 40, 16) and torch.isfinite(out).all()
    torch.testing.assert_close(sinusoidal_positions(40, 16)[:32], encoder.positions)


def test_positions_are_not_in_the_checkpoint(encoder):
    assert not any("positions" in name for name in encoder.state_dict())


def test_same_seed_same_model():
    def build() -> MotionEncoder:
        torch.manual_seed(3)
        return MotionEncoder(feature_dim=137, dim=16, depth=2, heads=2)

    a, b = build(), build()
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values(), strict=False):
        assert torch.equal(pa, pb), name
    assert not torch.equal(a.layers[0].linear1.weight, a.layers[1].linear1.weight)  # layers are not clones
