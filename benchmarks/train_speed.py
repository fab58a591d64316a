"""Wall time of one training command, start to finish (import and XLA compile included).

    python benchmarks/train_speed.py                      # 20,000 biorxiv-final episodes, seed 0
    python benchmarks/train_speed.py --episodes 2000 --target 0

Runs ``python -m meta_rl train`` in a fresh process into a temporary directory and exits
non-zero when it takes longer than ``--target`` seconds (issue target: 40 s on 2 CPU cores).
"""

from __future__ import annotations

import argparse
import sys

from timing import machine, publish, time_training


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="biorxiv-final")
    parser.add_argument("--episodes", type=int, default=20000)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--target", type=float, default=40.0, help="seconds; 0: no target")
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times")
    parser.add_argument("--publish", action="store_true",
                        help="record the table in benchmarks/results/ and the documents")
    args = parser.parse_args()
    walls = []
    for _ in range(args.repeat):
        walls.append(time_training(args.config, args.seeds, args.episodes))
        print(f"{args.config}: {args.episodes} episodes x seeds {args.seeds} in {walls[-1]:.1f} s wall "
              f"({machine()})", flush=True)
    wall = min(walls)
    if args.publish:
        target = f"{args.target:.0f} s: {'missed' if wall > args.target else 'met'}" if args.target else ""
        publish("train-speed", "| config | episodes | seeds | wall, each run | target |\n"
                "|---|---|---|---|---|\n"
                f"| {args.config} | {args.episodes:,} | {args.seeds} | "
                + ", ".join(f"{w:.1f} s" for w in walls) + f" | {target} |")
    if args.target and wall > args.target:
        print(f"slower than the {args.target:.0f} s target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
