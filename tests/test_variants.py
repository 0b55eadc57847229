import pytest

import hdlesson
from hdlesson.variants import VARIANT_TASKS, variant_config


def test_mouse_variant_matches_fit_to_recording():
    from hdlesson.biology import fit_session_ar1, load_adn_session

    fit = fit_session_ar1(load_adn_session(), dt_seconds=0.01)
    task = variant_config("mouse_av").task
    assert task.av_autocorrelation == pytest.approx(fit.coefficient, rel=1e-3)
    assert task.av_noise_sd == pytest.approx(fit.innovation_sd_rad_per_step, rel=1e-3)


@pytest.mark.parametrize("variant, scale", [("slow_av", 0.1), ("default", 1.0), ("fast_av", 3.0)])
def test_av_scale_variants(variant, scale):
    config = variant_config(variant, seed=2)
    assert config.task.av_scale == scale
    assert config.seed == 2
    assert config.stages == hdlesson.preset("paper").stages


def test_unknown_variant_raises():
    with pytest.raises(ValueError, match="unknown variant 'medium'"):
        variant_config("medium")


def test_every_variant_has_description():
    from hdlesson.variants import DESCRIPTIONS

    assert set(DESCRIPTIONS) == set(VARIANT_TASKS)


def test_snapshots_kept_at_requested_updates():
    config = hdlesson.TrainConfig(
        task=hdlesson.Task(n_steps=30), model=hdlesson.ModelConfig(n_units=8),
        stages=(hdlesson.Stage(n_updates=6, n_steps=20, learning_rate=1e-3),), batch_size=4)
    result = hdlesson.train(config, progress=False, snapshot_updates=[0, 3, 6])
    assert sorted(result.snapshots) == [0, 3, 6]
    assert not result.snapshots[0]["w_rec"].equal(result.snapshots[6]["w_rec"])
    assert result.snapshots[6]["w_rec"].equal(result.model.w_rec.detach())
    with pytest.raises(ValueError, match="outside"):
        hdlesson.train(config, progress=False, snapshot_updates=[7])
