"""How far a seed trained beside other seeds drifts from the same seed trained alone.

    python benchmarks/batched_vs_solo.py [--config biorxiv-final] [--episodes 20000]

Trains seed 0 alone and seeds 0-1 together (one batched computation, one process), then
compares seed 0's final weights and its test behaviour (300 episodes, test seed 1000).
Batched matrix products sum in another order than single ones, so the two runs start to
differ in the last bits of float32 and the difference grows with training; the test shows
whether it changes what the agent does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from timing import publish

from meta_rl.experiment import scheduled_config
from meta_rl.learn.checkpoints import list_checkpoints, load_checkpoint
from meta_rl.learn.evaluate import run_test
from meta_rl.learn.trainer import train
from meta_rl.tasks.registry import family, get_config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="biorxiv-final")
    parser.add_argument("--episodes", type=int, default=20000)
    parser.add_argument("--publish", action="store_true",
                        help="record the table in benchmarks/results/ and the documents")
    args = parser.parse_args()
    config = scheduled_config(get_config(args.config), args.episodes)
    task_family = family(config.task.kind)
    weights, metrics = {}, {}
    with tempfile.TemporaryDirectory() as out:
        for name, seeds in (("alone", [0]), ("batched", [0, 1])):
            train(config, seeds, Path(out) / name, progress=False, log=lambda msg: None)
            _, path = list_checkpoints(Path(out) / name / "model_0")[-1]
            weights[name] = load_checkpoint(path, config)[1]
            metrics[name] = run_test(task_family, config, weights[name], 1000, 300).metrics()
    diff = max(float(np.max(np.abs(weights["alone"][k] - weights["batched"][k]))) for k in weights["alone"])
    scale = max(float(np.max(np.abs(w))) for w in weights["alone"].values())
    print(f"{args.config}, {args.episodes} episodes, seed 0 alone vs beside seed 1:")
    print(f"  largest weight difference {diff:.3g} (largest weight {scale:.3g})")
    for name in ("alone", "batched"):
        print(f"  {name:<8} test metrics: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics[name].items()))
    if args.publish:
        names = list(metrics["alone"])
        rows = ["| seed 0 trained | largest weight difference | " + " | ".join(names) + " |",
                "|---|---|" + "---|" * len(names)]
        for name in ("alone", "batched"):
            rows.append(f"| {name if name == 'alone' else 'beside seed 1'} | "
                        + (f"{diff:.3g} (largest weight {scale:.3g})" if name == "batched" else "")
                        + " | " + " | ".join(f"{metrics[name][k]:.3f}" for k in names) + " |")
        publish("batched-vs-solo", "\n".join(rows) + f"\n\n{args.config}, {args.episodes:,} episodes; "
                "test: 300 episodes, test seed 1000, frozen weights.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
