import torch

from llamo.model.projector import Projector


def test_output_norm_starts_at_the_given_rms():
    torch.manual_seed(0)
    projector = Projector(8, 32, out_rms=0.125)
    out = projector(100.0 * torch.randn(2, 5, 8))  # inputs far from unit scale
    rms = out.pow(2).mean(-1).sqrt()
    assert torch.allclose(rms, torch.full_like(rms, 0.125), rtol=1e-3)


def test_without_out_rms_the_projector_is_llavas_mlp():
    torch.manual_seed(0)
    projector = Projector(8, 32)
    x = torch.randn(2, 5, 8)
    expected = projector.linear_2(torch.nn.functional.gelu(projector.linear_1(x)))
    assert torch.equal(projector(x), expected)
