"""Command line: ``python -m meta_rl {train,test} ...``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from meta_rl.errors import MetaRLError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m meta_rl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train seeds of a config (resumes if interrupted)",
                           description="Any config field can be overridden, e.g. --lr 1e-3 "
                           "--common-prob 0.7; see meta_rl/config.py.")
    train.add_argument("config", help="a preset: arxiv, biorxiv-first-try, biorxiv-final, "
                       "bandit-dependent-uniform, bandit-easy/medium/hard, bandit-independent, "
                       "harlow-symbolic, harlow-pixels, harlow-psychlab")
    train.add_argument("--seeds", default="0", help="e.g. 0-7 or 0,3,5 (default 0)")
    train.add_argument("--out", default="runs", help="output directory (default runs/)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_parallel_options(train)
    sweep = sub.add_parser("sweep", help="train and test every combination of a grid",
                           description="Trains DIR/<setting>/model_<seed> for every combination, "
                           "tests each seed and writes DIR/summary.csv.")
    sweep.add_argument("config")
    sweep.add_argument("--grid", action="append", default=[], metavar="FIELD=V1,V2",
                       help="values of one config field (repeat for a product grid)")
    sweep.add_argument("--seeds", default="0-7")
    sweep.add_argument("--out", default="sweeps")
    sweep.add_argument("--test-episodes", type=int, default=300)
    sweep.add_argument("--test-seed", type=int, default=1000,
                       help="seed s is tested with test seed TEST_SEED + s")
    sweep.add_argument("--quiet", action="store_true")
    _add_parallel_options(sweep)
    test = sub.add_parser("test", help="test a checkpoint with frozen weights")
    test.add_argument("checkpoint", help="a run directory (model_<seed>) or a ckpt-*.npz file")
    test.add_argument("--episodes", type=int, default=300)
    test.add_argument("--seed", type=int, default=12345, help="test seed (default 12345)")
    test.add_argument("--trials-csv", help="write one row per trial to this CSV file")
    test.add_argument("--training-objects", action="store_true",
                      help="Harlow: test on training objects instead of held-out ones")
    reproduce = sub.add_parser("reproduce", help="train, test and plot the reference results",
                               description="Writes results/<variant>/ (see meta_rl/reproduce.py).")
    reproduce.add_argument("variant", nargs="?", default="all",
                           help="biorxiv-final, biorxiv-first-try, arxiv, bandits, harlow or all (default)")
    reproduce.add_argument("--results", default="results", help="results directory (default results/)")
    reproduce.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _add_parallel_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None,
                        help="local processes to split the seeds over (default: one per core)")
    parser.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                        help="run the seeds as Ray tasks (no ADDRESS: start a local Ray)")


def _run_training(config, seeds: list[int], out: Path, args) -> None:
    """Train locally (batched seeds, split over processes) or on Ray."""
    from meta_rl.parallel import default_workers, train_local, train_ray

    if args.workers is not None and args.workers < 1:
        raise MetaRLError(f"--workers must be at least 1, got {args.workers}")
    if out.exists() and not out.is_dir():
        raise MetaRLError(f"--out {out} is not a directory")
    _import_tensorflow_quietly()
    if args.ray:
        train_ray(config, seeds, out, None if args.ray == "local" else args.ray)
    else:
        workers = args.workers or default_workers(len(seeds))
        train_local(config, seeds, out, workers, progress=not args.quiet)


def _overrides(extra: list[str]) -> dict[str, str]:
    """``["--lr", "1e-3", "--episodes=5"]`` -> ``{"lr": "1e-3", "episodes": "5"}``."""
    changes, i = {}, 0
    while i < len(extra):
        arg = extra[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise MetaRLError(f"unexpected argument {arg!r}")
        key, eq, value = arg[2:].partition("=")
        if not eq:
            if i + 1 >= len(extra):
                raise MetaRLError(f"--{key} needs a value")
            value, i = extra[i + 1], i + 1
        changes[key] = value
        i += 1
    return changes


def _train(args, extra: list[str]) -> None:
    from meta_rl.config import get_config, override
    from meta_rl.seeds import parse_seeds

    config = override(get_config(args.config), _overrides(extra))
    seeds = parse_seeds(args.seeds)
    out = Path(args.out)
    _run_training(config, seeds, out, args)
    print(f"trained {config.name} seeds {args.seeds} for {config.episodes} episodes in {out}")


def _sweep(args, extra: list[str]) -> None:
    from meta_rl.config import get_config, override
    from meta_rl.seeds import parse_seeds
    from meta_rl.sweep import format_table, grid_settings, parse_grid, test_setting, write_summary

    base = override(get_config(args.config), _overrides(extra))
    settings = grid_settings(base, parse_grid(args.grid))
    seeds = parse_seeds(args.seeds)
    if args.test_episodes <= 0:
        raise MetaRLError(f"--test-episodes must be positive, got {args.test_episodes}")
    out = Path(args.out)
    for name, config in settings:
        print(f"setting {name}", file=sys.stderr)
        _run_training(config, seeds, out / name, args)
    _import_tensorflow_quietly()
    rows = [test_setting(name, out / name, seeds, args.test_episodes, args.test_seed).row()
            for name, _ in settings]
    write_summary(out / "summary.csv", rows)
    print(format_table(rows))
    print(f"summary written to {out / 'summary.csv'}")


def _test(args, extra: list[str]) -> None:
    from meta_rl.files import check_writable

    if extra:
        raise MetaRLError(f"unexpected argument {extra[0]!r}")
    if args.episodes <= 0:
        raise MetaRLError(f"--episodes must be positive, got {args.episodes}")
    if not 0 <= args.seed < 2**31:
        raise MetaRLError(f"--seed must be in [0, 2^31), got {args.seed}")
    if args.trials_csv:
        check_writable(Path(args.trials_csv))
    _import_tensorflow_quietly()
    from meta_rl.evaluate import load_agent, run_test, write_trials_csv

    config, episode, params = load_agent(Path(args.checkpoint))
    result = run_test(config, params, args.seed, args.episodes, held_out=not args.training_objects)
    print(f"{config.name} checkpoint at episode {episode}: {args.episodes} test episodes, "
          f"seed {args.seed}, frozen weights, sampled actions")
    print(result.report())
    if args.trials_csv:
        write_trials_csv(Path(args.trials_csv), result.trials, result.csv_columns)
        print(f"trials written to {args.trials_csv}")


def _reproduce(args, extra: list[str]) -> None:
    from meta_rl.reproduce import describe, select

    if extra:
        raise MetaRLError(f"unexpected argument {extra[0]!r}")
    others = ("bandits", "harlow")  # meta_rl/reproduce_bandits.py, meta_rl/reproduce_harlow.py
    if args.variant not in others:
        select(args.variant)  # an unknown variant fails before TensorFlow is imported
    _import_tensorflow_quietly()
    from meta_rl import reproduce_bandits, reproduce_harlow
    from meta_rl.reproduce import reproduce

    if args.variant not in others:
        for summary in reproduce(args.variant, Path(args.results), progress=not args.quiet):
            print(describe(summary))  # (also logged to stderr as each variant finishes)
    for name, module in zip(others, (reproduce_bandits, reproduce_harlow)):
        if args.variant in (name, "all"):
            summary = module.reproduce(Path(args.results), progress=not args.quiet)
            print(module.describe(summary))


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with its C++ start-up banner (oneDNN, CUDA probing) silenced.

    The banner is written straight to file descriptor 2 before any log level applies, so
    stderr is pointed at /dev/null for the import only. Import errors still raise.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow

        tensorflow.get_logger().setLevel("ERROR")  # no retracing notices between test configs
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # inherited by worker processes
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    try:
        # argparse leaves --episodes, --lr, ... as unknown: they are config overrides.
        {"train": _train, "sweep": _sweep, "test": _test,
         "reproduce": _reproduce}[args.command](args, extra)
    except MetaRLError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: rerun the same command to resume from the last checkpoint",
              file=sys.stderr)
        return 130
    return 0
