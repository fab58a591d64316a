"""Wall time of training one seed of a preset: by default each of Wang et al. 2018's other
simulations (issue target: at most 10 minutes per seed on 2 CPU cores); any presets with
``--presets``, their table published under its own ``--table`` name.

    python benchmarks/simulations_speed.py                    # every preset below, full length
    python benchmarks/simulations_speed.py --presets volatility-behrens --publish
    python benchmarks/simulations_speed.py --presets bandit-k5-n10 bandit-k50-n500 --target 30 \
        --table bandits-speed --publish
    python benchmarks/simulations_speed.py --presets maze-symbolic maze-first-person \
        --scaled maze-first-person --episodes 3200 --target 10 60 --table maze-speed --publish

Each preset trains in a fresh process into a temporary directory (import and compile
included); exits non-zero when one takes longer than ``--target`` minutes.
"""

from __future__ import annotations

import argparse
import sys

from timing import machine, publish, time_training

from meta_rl.tasks.registry import get_config

PRESETS = ("foraging-tsutsui", "volatility-behrens", "reversal-bromberg-martin", "risky-choice-stopper")
"""Simulations 1, 2, 3 and 6."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=list(PRESETS))
    parser.add_argument("--target", type=float, nargs="+", default=[10.0],
                        help="minutes per seed, one for all presets or one per preset; 0: no target")
    parser.add_argument("--episodes", type=int, default=0,
                        help="time a run of this many episodes and scale it to the preset's length (import "
                        "and compilation counted in full: an upper bound); 0, the default: the whole run")
    parser.add_argument("--scaled", nargs="+", default=None,
                        help="with --episodes: the presets to time so (default: all); the others run whole")
    parser.add_argument("--publish", action="store_true",
                        help="record the table in benchmarks/results/ and the documents")
    parser.add_argument("--table", default="simulations-speed",
                        help="the published table's name: benchmarks/results/TABLE.md, the documents' "
                        "benchmark-TABLE block (default %(default)s)")
    args = parser.parse_args()
    if len(args.target) not in (1, len(args.presets)):
        parser.error("--target takes one value or one per preset")
    per_preset = args.target * len(args.presets) if len(args.target) == 1 else args.target
    targets = dict(zip(args.presets, per_preset))
    slow = False
    rows = ["| preset | episodes | one seed, wall | episodes per second | target |", "|---|---|---|---|---|"]
    for name in args.presets:
        config = get_config(name)
        episodes = config.episodes
        scale = args.episodes and (args.scaled is None or name in args.scaled)
        timed = min(args.episodes, episodes) if scale else episodes
        if timed % config.batch_episodes:
            parser.error(f"--episodes must be a multiple of {name}'s {config.batch_episodes} "
                         "episodes per update")
        log_every = config.batch_episodes * max(1, timed // (10 * config.batch_episodes))
        short = ("--checkpoint-every", str(timed), "--log-every", str(log_every)) if timed < episodes else ()
        minutes = time_training(name, "0", timed, *short) / 60 * episodes / timed
        scaled = f" (scaled from {timed:,})" if timed < episodes else ""
        print(f"{name}: {episodes:,} episodes{scaled}, one seed, in {minutes:.1f} min wall ({machine()})",
              flush=True)
        target = targets[name]
        missed = bool(target) and minutes > target
        slow |= missed
        rows.append(f"| {name} | {episodes:,}{scaled} | {minutes:.1f} min | {episodes / minutes / 60:,.0f} | "
                    + (f"{target:.0f} min: {'missed' if missed else 'met'} |" if target else "|"))
    if args.publish:
        publish(args.table, "\n".join(rows))
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
