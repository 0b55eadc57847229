"""Cost of one training update: plain autograd loop against hdlesson's loop.

Both run the same model on the same recipe (100 trials x 500 steps, 100
units, rate noise, rate penalty, gradient clipping, AdamW). They run side by
side in one process, alternating in rounds, so that any slowdown of the
machine hits both. Run from the repository root:

    python benchmarks/update_cost.py [--rounds 3] [--autograd-updates 4] [--fast-updates 30]

It prints a table of seconds per update and a breakdown of hdlesson's update.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch

from hdlesson import HDRNN, Stage, Task, preset, train
from hdlesson.bptt import BPTTWorkspace, loss_and_gradients
from hdlesson.training import _draw_batch

from machine import cpu_name  # benchmarks/machine.py, beside this script

N_TRIALS, N_STEPS, N_UNITS = 100, 500, 100


def autograd_updates(n_updates: int, seed: int = 0) -> list[float]:
    """Time updates of the textbook loop: forward with autograd, loss.backward()."""
    model = HDRNN(seed=seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    task = Task(n_steps=N_STEPS)
    times = []
    for _ in range(n_updates):
        start = time.perf_counter()
        trials = task.sample(N_TRIALS, rng)
        targets = torch.from_numpy(trials.targets)
        mask = torch.from_numpy(trials.loss_mask)[..., None]
        outputs, rates = model(trials.inputs, rate_noise_sd=0.1, generator=generator)
        task_loss = (((outputs - targets) * mask) ** 2).sum() / (mask.sum() * 2)
        penalty = (rates**2).mean()
        weight = min(0.01, 0.5 * task_loss.item() / max(penalty.item(), 1e-12))
        loss = task_loss + weight * penalty
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimizer.step()
        times.append(time.perf_counter() - start)
    return times


def hdlesson_updates(n_updates: int, seed: int = 0) -> list[float]:
    """Time updates of hdlesson.train on 500-step trials (worker thread, hand-written BPTT)."""
    config = preset("paper", seed=seed, stages=(Stage(n_updates=n_updates + 3, n_steps=N_STEPS,
                                                      learning_rate=1e-3),))
    result = train(config, progress=False)
    wall = np.asarray(result.history["wall_time_s"])
    # Skip the first updates, which allocate buffers and start the worker.
    return list(np.diff(wall[2:]))


def breakdown(seed: int = 0, repeats: int = 10) -> dict:
    """Seconds spent in each part of one hdlesson update, measured one part at a time."""
    config = preset("paper", seed=seed)
    stage = Stage(n_updates=1, n_steps=N_STEPS, learning_rate=1e-3)
    model = HDRNN(seed=seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    workspace = BPTTWorkspace()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        batch = _draw_batch(config, stage, 0)
        loss_and_gradients(model, *batch[:3], rate_noise=batch[3], workspace=workspace)
        parts = {"draw trials and rate noise (worker thread)": [],
                 "forward and backward pass": [], "gradient clipping and AdamW step": []}
        for update in range(repeats):
            start = time.perf_counter()
            batch = _draw_batch(config, stage, update)
            parts["draw trials and rate noise (worker thread)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            loss_and_gradients(model, *batch[:3], rate_noise=batch[3], workspace=workspace)
            parts["forward and backward pass"].append(time.perf_counter() - start)
            start = time.perf_counter()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            optimizer.step()
            parts["gradient clipping and AdamW step"].append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return {name: statistics.median(values) for name, values in parts.items()}


def matmul_rate_gflops(size: int = 100, repeats: int = 2000) -> float:
    """Single-thread GFLOP/s of the step's matrix product (trials x units by units x units)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        a, b, out = torch.randn(size, size), torch.randn(size, size), torch.empty(size, size)
        for _ in range(100):
            torch.mm(a, b, out=out)
        start = time.perf_counter()
        for _ in range(repeats):
            torch.mm(a, b, out=out)
        elapsed = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    return 2 * size**3 * repeats / elapsed / 1e9


def floating_point_work() -> float:
    """FLOPs of one update, counting the matrix products only (element-wise work is smaller)."""
    presynaptic = N_UNITS + 3 + 1
    forward = 2 * N_TRIALS * presynaptic * N_UNITS * N_STEPS
    backward_steps = 2 * N_TRIALS * N_UNITS * N_UNITS * N_STEPS
    weight_gradients = 2 * N_STEPS * N_TRIALS * N_UNITS * presynaptic
    readout = 2 * 2 * (2 * N_STEPS * N_TRIALS * N_UNITS)
    return forward + backward_steps + weight_gradients + readout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--autograd-updates", type=int, default=4)
    parser.add_argument("--fast-updates", type=int, default=30)
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, "
          f"torch {torch.__version__}, numpy {np.__version__}, Python {platform.python_version()}")
    print(f"processor: {cpu_name()}")

    slow, fast = [], []
    for round_index in range(args.rounds):
        slow += autograd_updates(args.autograd_updates, seed=round_index)
        fast += hdlesson_updates(args.fast_updates, seed=round_index)
        print(f"round {round_index + 1}: autograd {statistics.median(slow):.3f} s, "
              f"hdlesson {statistics.median(fast):.4f} s per update (running medians)")

    slow_median, fast_median = statistics.median(slow), statistics.median(fast)
    print()
    print("| loop | updates timed | median s per update | min | max |")
    print("|---|---|---|---|---|")
    print(f"| plain autograd | {len(slow)} | {slow_median:.3f} | {min(slow):.3f} | {max(slow):.3f} |")
    print(f"| hdlesson | {len(fast)} | {fast_median:.4f} | {min(fast):.4f} | {max(fast):.4f} |")
    print(f"\nhdlesson costs {fast_median / slow_median:.3f} of the autograd update "
          f"({slow_median / fast_median:.1f}x faster)")

    parts = breakdown()
    flops = floating_point_work()
    rate = matmul_rate_gflops()
    print("\nWhere hdlesson's update goes (each part timed alone, one thread):")
    for name, seconds in parts.items():
        print(f"  {name}: {1000 * seconds:.1f} ms")
    print(f"matrix-product work per update: {flops / 1e9:.2f} GFLOP; at the single-thread rate of a "
          f"100x100 product ({rate:.0f} GFLOP/s) that is {1000 * flops / (rate * 1e9):.1f} ms")


if __name__ == "__main__":
    main()
