"""Accuracy of a network on fresh, noise-free trials."""

from __future__ import annotations

import numpy as np
import torch

from hdlesson.heading import angular_difference, decode_heading
from hdlesson.validation import check_positive_int, check_seed
from hdlesson.task import Task

# The fixed seed of the evaluation trials, so every network is judged on the
# same 1000 trials.
EVALUATION_SEED = 20200
ACCURACY_TARGET = 0.01


def check_model(model) -> None:
    """Raise TypeError unless ``model`` is an HDRNN."""
    from hdlesson.model import HDRNN

    if not isinstance(model, HDRNN):
        raise TypeError(
            f"model={model!r} is invalid; pass an HDRNN, for example hdlesson.load_pretrained(0) "
            "or hdlesson.load_checkpoint(path)."
        )


def task_of(model) -> Task:
    """Return the task a network was trained on (the default task if unknown)."""
    record = getattr(model, "record", None) or {}
    task_values = record.get("train_config", {}).get("task")
    if task_values:
        return Task(**task_values)
    return Task(dt_seconds=model.dt)


def evaluate(model, n_trials: int = 1000, seed: int = EVALUATION_SEED, task: Task | None = None,
             batch_size: int = 250) -> dict:
    """Measure output and heading errors on fresh noise-free trials.

    Parameters
    ----------
    model : HDRNN
    n_trials : int
        Number of trials (1000 for the published comparison).
    seed : int
        Seed of the trials.
    task : Task, optional
        Defaults to the task the network was trained on, with 500 steps.
    batch_size : int
        Trials run at once; limits memory, not the result.

    Returns
    -------
    dict
        ``normalized_error``: summed squared output error over the summed
        variance of the targets, after the cue (the paper's network: 0.0057);
        ``mean_abs_heading_error_deg``: mean absolute decoded-heading error
        over all steps after the cue, in degrees;
        ``final_abs_heading_error_deg``: the same at the last step;
        ``n_trials``, ``n_steps``, ``seed``.
    """
    check_model(model)
    check_seed("seed", seed)
    check_positive_int("n_trials", n_trials)
    check_positive_int("batch_size", batch_size)
    task = task or task_of(model)
    if not isinstance(task, Task):
        raise TypeError(f"task={task!r} is invalid; pass a hdlesson.Task or None.")
    if abs(task.dt_seconds - model.dt) > 1e-12:
        raise ValueError(
            f"task.dt_seconds={task.dt_seconds} differs from the model's time step "
            f"model.dt={model.dt}; evaluate on a task with the model's time step."
        )
    trials = task.sample(n_trials, np.random.default_rng(seed))
    squared_error, heading_errors = 0.0, []

    with torch.no_grad():
        for start in range(0, n_trials, batch_size):
            chunk = slice(start, start + batch_size)
            outputs, _ = model(torch.from_numpy(trials.inputs[chunk]))
            outputs = outputs.numpy().astype(float)
            mask = trials.loss_mask[chunk, :, None]
            squared_error += float((((outputs - trials.targets[chunk]) * mask) ** 2).sum())
            heading_errors.append(angular_difference(decode_heading(outputs), trials.heading[chunk]))

    targets = trials.targets[:, task.cue_steps:].astype(float)
    total_variance = float(((targets - targets.mean(axis=(0, 1))) ** 2).sum())
    if total_variance == 0:
        raise ValueError(
            f"the targets do not vary over {n_trials} trial(s) of {task.n_steps - task.cue_steps} "
            "step(s) after the cue, so the normalised error is undefined; evaluate on more trials "
            "or longer ones."
        )
    errors = np.abs(np.concatenate(heading_errors))[:, task.cue_steps:]
    return {
        "normalized_error": squared_error / total_variance,
        "mean_abs_heading_error_deg": float(np.degrees(errors.mean())),
        "final_abs_heading_error_deg": float(np.degrees(errors[:, -1].mean())),
        "n_trials": int(n_trials),
        "n_steps": int(task.n_steps),
        "seed": int(seed),
    }
