"""Wall time of training one seed of each Harlow level with its preset (issue target: at
most 30 minutes per seed for harlow-symbolic and harlow-pixels on 2 CPU cores).

    python benchmarks/harlow_speed.py                        # symbolic and pixels, full presets
    python benchmarks/harlow_speed.py --levels psychlab --episodes 3200 --target 0

Each level trains in a fresh process into a temporary directory (import and compile
included); exits non-zero when a level takes longer than ``--target`` minutes.
"""

from __future__ import annotations

import argparse
import sys

from timing import machine, time_training

from meta_rl.tasks.registry import get_config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", nargs="+", default=["symbolic", "pixels"])
    parser.add_argument("--episodes", type=int, default=None, help="default: the preset's")
    parser.add_argument("--target", type=float, default=30.0, help="minutes; 0: no target")
    args = parser.parse_args()
    slow = False
    for level in args.levels:
        name = f"harlow-{level}"
        episodes = args.episodes or get_config(name).episodes
        minutes = time_training(name, "0", episodes) / 60
        print(f"{name}: {episodes:,} episodes, one seed, in {minutes:.1f} min wall ({machine()})")
        if args.target and minutes > args.target:
            print(f"  slower than the {args.target:.0f} min target")
            slow = True
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
