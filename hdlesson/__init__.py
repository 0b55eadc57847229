"""hdlesson: how an RNN trained to integrate angular velocity grows a head-direction circuit.

The public API used by the book's chapters:

- ``Task``: angular-velocity integration trials (``Task().sample(n, rng)``);
- ``HDRNN``: the continuous-time network; ``ModelConfig`` its size and time step;
- ``train(config)``: training, returning ``(model, history)``; ``preset(name)``;
- ``load_pretrained(seed)``: networks shipped with the package;
- ``decode_heading(outputs)`` and ``track_heading(model, av, initial_heading)``;
- ``evaluate(model)``: accuracy on 1000 fresh noise-free trials.
"""

__version__ = "0.1.0"

from hdlesson.task import Task, Trials
from hdlesson.model import HDRNN, ModelConfig
from hdlesson.training import (
    PRESETS,
    Stage,
    TrainConfig,
    TrainingDivergedError,
    TrainingResult,
    preset,
    train,
)
from hdlesson.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from hdlesson.heading import angular_difference, decode_heading, track_heading
from hdlesson.evaluate import evaluate
from hdlesson.pretrained import available_seeds, load_pretrained

__all__ = [
    "Task", "Trials", "HDRNN", "ModelConfig", "PRESETS", "Stage", "TrainConfig",
    "TrainingDivergedError", "TrainingResult", "preset", "train", "CheckpointError",
    "load_checkpoint", "save_checkpoint", "angular_difference", "decode_heading",
    "track_heading", "evaluate", "available_seeds", "load_pretrained",
]
