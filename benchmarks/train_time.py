"""Wall time to train a network from scratch with the "paper" preset, and its accuracy.

Run from the repository root on an otherwise idle machine:

    python benchmarks/train_time.py [--seed 0]

It prints the training wall time, whose target is at most 5 minutes on 2
cores, and the time spent in each stage. Then it prints the accuracy on 1000
fresh noise-free 500-step trials, whose target is a normalised error of at
most 1%.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch

from hdlesson import evaluate, preset, train

from machine import cpu_name  # benchmarks/machine.py, beside this script


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    config = preset("paper", seed=args.seed)
    print(f"machine: {platform.machine()}, {cpu_name()}, torch {torch.__version__}")
    print(f"preset 'paper', seed {args.seed}: {config.n_updates} updates in {len(config.stages)} stages")

    start = time.perf_counter()
    result = train(config, progress=False)
    training_s = time.perf_counter() - start
    metrics = evaluate(result.model)

    wall = np.asarray(result.history["wall_time_s"])
    first = 0
    for stage in config.stages:
        last = first + stage.n_updates - 1
        begin = wall[first - 1] if first > 0 else 0.0
        print(f"  {stage.n_updates} updates on {stage.n_steps}-step trials: {wall[last] - begin:.1f} s "
              f"({1000 * (wall[last] - begin) / stage.n_updates:.1f} ms per update)")
        first = last + 1
    print(f"training wall time: {training_s:.1f} s ({training_s / 60:.2f} min)")
    print(f"normalised error: {100 * metrics['normalized_error']:.3f}%")
    print(f"mean absolute heading error: {metrics['mean_abs_heading_error_deg']:.2f} deg, "
          f"{metrics['final_abs_heading_error_deg']:.2f} deg at step 500")


if __name__ == "__main__":
    main()
