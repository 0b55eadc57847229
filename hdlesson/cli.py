"""Command line: ``python -m hdlesson train`` and ``python -m hdlesson evaluate``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from hdlesson.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from hdlesson.evaluate import ACCURACY_TARGET, EVALUATION_SEED, evaluate
from hdlesson.training import PRESETS, TrainingDivergedError, preset, train
from hdlesson.variants import VARIANT_TASKS, variant_config


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hdlesson", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train_parser = commands.add_parser("train", help="train a network and save it with its metrics")
    train_parser.add_argument("--preset", default="paper",
                              help=f"training preset, one of {sorted(PRESETS)} (default: paper)")
    train_parser.add_argument("--seed", type=int, default=0, help="seed of weights, trials and noise")
    train_parser.add_argument("--variant", default="default",
                              help=f"AV statistics of the task, one of {sorted(VARIANT_TASKS)} "
                                   "(default: default); only with --preset paper")
    train_parser.add_argument("--snapshots", default="",
                              help="comma-separated update counts at which to save the weights "
                                   "to seed<N>.development.pt, e.g. 0,100,1000")
    train_parser.add_argument("--out", required=True, type=Path,
                              help="output folder; the network is saved as seed<N>.pt")
    train_parser.add_argument("--no-resume", action="store_true",
                              help="start afresh even if a checkpoint of this run exists")

    eval_parser = commands.add_parser("evaluate", help="measure the errors of a saved network")
    eval_parser.add_argument("checkpoint", type=Path, help="checkpoint file (.pt)")
    eval_parser.add_argument("--trials", type=int, default=1000, help="number of trials (default: 1000)")
    eval_parser.add_argument("--seed", type=int, default=EVALUATION_SEED,
                             help=f"seed of the trials (default: {EVALUATION_SEED})")
    eval_parser.add_argument("--json", action="store_true", help="print the metrics as JSON")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "train":
            return _train(args)
        return _evaluate(args)
    except (CheckpointError, OSError, ValueError, TrainingDivergedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _train(args) -> int:
    if args.variant not in VARIANT_TASKS:
        raise ValueError(f"--variant {args.variant!r} is not a variant; use one of {sorted(VARIANT_TASKS)}.")
    if args.variant != "default" and args.preset != "paper":
        raise ValueError(f"--variant {args.variant} needs --preset paper, not {args.preset!r}.")
    config = variant_config(args.variant, seed=args.seed) if args.preset == "paper" \
        else preset(args.preset, seed=args.seed)
    snapshot_updates = _parse_updates(args.snapshots)
    outside = [u for u in snapshot_updates if not 0 <= u <= config.n_updates]
    if outside:
        raise ValueError(f"--snapshots {outside} lie outside 0..{config.n_updates}, the updates of this run.")
    if args.out.exists() and not args.out.is_dir():
        raise ValueError(f"--out {str(args.out)!r} is a file; give a folder for the network and its checkpoints.")
    out = args.out / f"seed{args.seed}.pt"
    partial = args.out / f"seed{args.seed}.partial.pt"

    result = train(config, checkpoint_path=partial, resume=not args.no_resume,
                   snapshot_updates=snapshot_updates)
    metrics = evaluate(result.model, task=config.task)
    save_checkpoint(out, result.model, config.to_dict(), config.n_updates, result.history,
                    metrics=metrics,
                    extra={"wall_time_s": result.wall_time_s, "preset": args.preset,
                           "variant": args.variant})
    if snapshot_updates:
        _save_snapshots(args.out / f"seed{args.seed}.development.pt", result, config)
    partial.unlink(missing_ok=True)
    print(f"saved {out} after {result.wall_time_s:.0f} s of training")
    _print_metrics(metrics)
    return 0


def _parse_updates(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        return sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise ValueError(f"--snapshots {text!r} is invalid; give update counts like 0,100,1000.") from None


def _save_snapshots(path, result, config) -> None:
    """Write the weight snapshots of a run next to its network (atomically)."""
    import os

    import torch

    payload = {
        "model_config": config.model.to_dict(),
        "train_config": config.to_dict(),
        "snapshots": {str(update): state for update, state in sorted(result.snapshots.items())},
    }
    temporary = path.with_name(path.name + ".tmp")
    torch.save(payload, temporary)
    os.replace(temporary, path)
    print(f"saved {len(result.snapshots)} snapshots to {path}")


def _evaluate(args) -> int:
    model = load_checkpoint(args.checkpoint)
    metrics = evaluate(model, n_trials=args.trials, seed=args.seed)
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        _print_metrics(metrics)
    return 0


def _print_metrics(metrics) -> None:
    verdict = "meets" if metrics["normalized_error"] <= ACCURACY_TARGET else "misses"
    print(f"trials: {metrics['n_trials']} of {metrics['n_steps']} steps (seed {metrics['seed']})")
    print(f"normalised output error: {100 * metrics['normalized_error']:.3f}% "
          f"({verdict} the {100 * ACCURACY_TARGET:g}% target)")
    print(f"mean absolute heading error: {metrics['mean_abs_heading_error_deg']:.2f} deg over all steps, "
          f"{metrics['final_abs_heading_error_deg']:.2f} deg at the last step")
