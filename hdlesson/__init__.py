"""hdlesson: how an RNN trained to integrate angular velocity grows a head-direction circuit."""

__version__ = "0.1.0"

from hdlesson.task import Task, Trials
from hdlesson.model import HDRNN, ModelConfig
from hdlesson.train import TrainConfig, Stage, train, preset, PRESETS, TrainingDivergedError
from hdlesson.checkpoint import load_checkpoint, save_checkpoint, CheckpointError
