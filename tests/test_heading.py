import numpy as np
import pytest
import torch

from hdlesson import HDRNN, ModelConfig
from hdlesson.heading import angular_difference, decode_heading, track_heading


def test_decode_heading_inverts_sin_cos():
    heading = np.linspace(0, 2 * np.pi, 50, endpoint=False)
    outputs = np.stack([np.sin(heading), np.cos(heading)], axis=-1)
    np.testing.assert_allclose(decode_heading(outputs), heading, atol=1e-12)


def test_decode_heading_accepts_tensors_and_scale():
    outputs = torch.tensor([[0.0, 2.0], [3.0, 0.0]])
    np.testing.assert_allclose(decode_heading(outputs), [0.0, np.pi / 2])


def test_decode_heading_rejects_wrong_shape():
    with pytest.raises(ValueError, match="expected"):
        decode_heading(np.zeros((4, 3)))


def test_angular_difference_wraps():
    assert angular_difference(0.1, 2 * np.pi - 0.1) == pytest.approx(0.2)
    assert angular_difference(2 * np.pi - 0.1, 0.1) == pytest.approx(-0.2)


def test_track_heading_any_length():
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    for steps in (1, 7, 1200):
        heading = track_heading(model, np.zeros((2, steps)), np.array([0.0, 1.0]))
        assert heading.shape == (2, steps)
        assert np.all((heading >= 0) & (heading < 2 * np.pi))


def test_track_heading_returns_rates():
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    heading, rates = track_heading(model, np.zeros((1, 30)), 0.5, return_rates=True)
    assert rates.shape == (1, 30, 10)


@pytest.mark.parametrize("av, message", [
    (np.zeros(30), r"av\[None, :\]"),
    (np.zeros((1, 30, 1)), "shape"),
    (np.array([[0.0, np.nan, 0.0]]), "NaN"),
    (np.array([[0.0, 90.0, 180.0]]), "deg2rad"),
    (np.zeros((0, 5)), "at least one"),
    (np.array([["a"]]), "dtype"),
])
def test_track_heading_rejects_bad_av(av, message):
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    with pytest.raises((ValueError, TypeError), match=message):
        track_heading(model, av, 0.0)


@pytest.mark.parametrize("initial, message", [
    (np.zeros(3), "shape"),
    (90.0, "degrees"),
    (np.nan, "NaN"),
])
def test_track_heading_rejects_bad_initial_heading(initial, message):
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    with pytest.raises(ValueError, match=message):
        track_heading(model, np.zeros((2, 20)), initial)


def test_track_heading_accepts_tensor_with_grad():
    model = HDRNN(ModelConfig(n_units=10), seed=0)
    av = torch.full((2, 20), 0.5, requires_grad=True)
    assert track_heading(model, av, 0.0).shape == (2, 20)


def test_track_heading_rejects_non_model():
    with pytest.raises(TypeError, match="HDRNN"):
        track_heading(None, np.zeros((1, 5)), 0.0)
