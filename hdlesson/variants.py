"""Named variants of the task statistics, each shipped as pretrained networks.

Every variant trains with the "paper" preset; only the AV process of the
task changes. Cueva et al. (2020) compared networks trained on AV scaled by
0.1, 1 and 3 (slower AV statistics gave more Compass units, faster ones more
Shifter units).
"""

from __future__ import annotations

from dataclasses import replace

from hdlesson.training import TrainConfig, preset

# Task fields that differ from the default Task in each variant.
VARIANT_TASKS = {
    "default": {},
    "slow_av": {"av_scale": 0.1},
    "fast_av": {"av_scale": 3.0},
    # AR(1) fit to the head AV of mouse session A2929-200711 at a 10 ms step,
    # by hdlesson.biology.fit_session_ar1 (matched SD and correlation time);
    # tests/test_variants.py checks that the fit still gives these numbers.
    "mouse_av": {"av_autocorrelation": 0.9181, "av_noise_sd": 0.005094},
}

DESCRIPTIONS = {
    "default": "the published AV statistics (AR(1) coefficient 0.8, innovation SD 0.03 rad per step)",
    "slow_av": "AV innovations scaled by 0.1",
    "fast_av": "AV innovations scaled by 3",
    "mouse_av": "an AR(1) process fitted to a real mouse's head AV",
}


def variant_config(variant: str = "default", seed: int = 0) -> TrainConfig:
    """Return the training config of one variant and seed."""
    if variant not in VARIANT_TASKS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(VARIANT_TASKS)}.")
    config = preset("paper", seed=seed)
    return replace(config, task=replace(config.task, **VARIANT_TASKS[variant]))
