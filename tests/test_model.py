import numpy as np
import pytest
import torch

from hdlesson import HDRNN, ModelConfig, Task


def test_initialisation_as_published():
    model = HDRNN(ModelConfig(n_units=400), seed=0)
    w_rec = model.w_rec.detach()
    assert torch.all(torch.diagonal(w_rec) == 0)
    off_diagonal = w_rec[~torch.eye(400, dtype=bool)]
    assert off_diagonal.std().item() == pytest.approx(1.5 / np.sqrt(400), rel=0.02)
    assert model.w_in.detach().std().item() == pytest.approx(1 / np.sqrt(3), rel=0.1)
    assert torch.all(model.w_out == 0)
    assert model.bias.detach().mean().item() == pytest.approx(0.1, abs=0.002)


def test_same_seed_same_weights():
    torch.testing.assert_close(HDRNN(seed=4).w_rec, HDRNN(seed=4).w_rec)
    assert not torch.equal(HDRNN(seed=4).w_rec, HDRNN(seed=5).w_rec)


def test_forward_shapes_and_rates_nonnegative():
    model = HDRNN(ModelConfig(n_units=30), seed=0)
    inputs = Task(n_steps=40).sample(5, rng=0).inputs
    outputs, rates = model(inputs)
    assert outputs.shape == (5, 40, 2)
    assert rates.shape == (5, 40, 30)
    assert torch.all(rates >= 0)
    assert torch.all(rates < 1)


def test_euler_step_matches_equation():
    model = HDRNN(ModelConfig(n_units=8), seed=1)
    inputs = torch.randn(2, 3, 3)
    _, rates = model(inputs)
    with torch.no_grad():
        x0 = model.initial_state.expand(2, -1)
        r0 = torch.clamp_min(torch.tanh(x0), 0)
        x1 = 0.9 * x0 + 0.1 * (r0 @ model.w_rec.T + inputs[:, 0] @ model.w_in.T + model.bias)
    torch.testing.assert_close(rates[:, 0], torch.clamp_min(torch.tanh(x1), 0))


def test_unit_mask_silences_units():
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    inputs = torch.zeros(3, 20, 3)
    mask = torch.ones(20, 10)
    mask[5:, :4] = 0
    _, rates = model(inputs, unit_mask=mask)
    assert torch.all(rates[:, 5:, :4] == 0)
    assert torch.any(rates[:, :5, :4] > 0)


def test_external_current_adds_to_input():
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    inputs = torch.zeros(1, 30, 3)
    current = torch.zeros(30, 10)
    current[:, 2] = 5.0
    _, driven = model(inputs, external_current=current)
    _, plain = model(inputs)
    assert driven[0, -1, 2] > plain[0, -1, 2] + 0.1


def test_rate_noise_needs_generator():
    model = HDRNN(ModelConfig(n_units=5))
    with pytest.raises(ValueError, match="Generator"):
        model(torch.zeros(1, 4, 3), rate_noise_sd=0.1)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 5)), "shape"),
    (np.zeros((2, 5, 4)), "shape"),
    (np.full((1, 5, 3), np.nan), "NaN"),
    (np.array([[["a", "b", "c"]]]), "dtype"),
])
def test_bad_inputs_raise(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        HDRNN(ModelConfig(n_units=5))(bad)


def test_bad_mask_shape_raises():
    with pytest.raises(ValueError, match="unit_mask"):
        HDRNN(ModelConfig(n_units=5))(np.zeros((1, 4, 3)), unit_mask=np.ones((4, 6)))


@pytest.mark.parametrize("kwargs", [dict(n_units=0), dict(dt_seconds=0.2, tau_seconds=0.1), dict(rate_noise_sd=-1)])
def test_invalid_model_config_raises(kwargs):
    with pytest.raises((ValueError, TypeError)):
        ModelConfig(**kwargs)
