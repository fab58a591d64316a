"""How training cost grows with the number of seeds, and the 8-seed target.

    python benchmarks/many_seeds.py                         # 8 seeds x 20,000 episodes: <= 120 s?
    python benchmarks/many_seeds.py --scaling --episodes 5000   # 1, 2, 4, 8, 16, 32 seeds
    python benchmarks/many_seeds.py --workers 1             # one process instead of one per core

Every measurement is a fresh ``python -m meta_rl train`` process (import and compile included).
"""

from __future__ import annotations

import argparse
import sys

from timing import machine, publish, time_training


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="biorxiv-final")
    parser.add_argument("--episodes", type=int, default=20000)
    parser.add_argument("--workers", default=None, help="processes (default: one per core)")
    parser.add_argument("--scaling", action="store_true", help="1, 2, 4, 8, 16, 32 seeds")
    parser.add_argument("--target", type=float, default=120.0, help="8-seed target, seconds")
    parser.add_argument("--publish", action="store_true",
                        help="record the table in benchmarks/results/ and the documents")
    args = parser.parse_args()
    extra = ["--workers", args.workers] if args.workers else []
    counts = [1, 2, 4, 8, 16, 32] if args.scaling else [8]
    print(f"{args.config}, {args.episodes} episodes per seed ({machine()})")
    rows = ["| seeds | wall (s) | seed-episodes per second |", "|---|---|---|"]
    print("\n".join(rows))
    status = 0
    for n in counts:
        wall = time_training(args.config, f"0-{n - 1}", args.episodes, *extra)
        rows.append(f"| {n} | {wall:.1f} | {n * args.episodes / wall:.0f} |")
        print(rows[-1], flush=True)
        if n == 8 and args.episodes == 20000 and args.target and wall > args.target:
            print(f"8 seeds slower than the {args.target:.0f} s target")
            status = 1
    if args.publish:
        name = ("many-seeds" + ("-scaling" if args.scaling else "")
                + (f"-workers-{args.workers}" if args.workers else ""))
        publish(name, "\n".join(rows) + f"\n\n{args.config}, {args.episodes:,} episodes per seed.")
    return status


if __name__ == "__main__":
    sys.exit(main())
