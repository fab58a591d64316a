"""Command line: ``meta-rl {train,test,sweep,reproduce} ...`` (also ``python -m meta_rl``).

Looks the config, the run's task or the experiment up in ``meta_rl.tasks.registry`` and
hands it to generic code; every bad input is one ``error:`` line and exit status 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from meta_rl.errors import MetaRLError
from meta_rl.runtime import sigterm_as_interrupt


def _parser() -> argparse.ArgumentParser:
    from meta_rl.streams import TEST_SEED_OFFSET
    from meta_rl.tasks import registry

    presets = ", ".join(registry.presets())
    experiments = ", ".join(registry.experiments())
    parser = argparse.ArgumentParser(prog="meta-rl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train seeds of a config (resumes if interrupted)",
                           description="Any config field can be overridden, e.g. --lr 1e-3 "
                           "--episodes 5000; see meta_rl/config.py and the task's parameters.")
    train.add_argument("config", help=f"a preset: {presets}")
    train.add_argument("--seeds", default="0", help="e.g. 0-7 or 0,3,5 (default 0)")
    train.add_argument("--out", default="runs", help="output directory (default runs/)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_parallel_options(train)
    sweep = sub.add_parser("sweep", help="train and test every combination of a grid",
                           description="Trains DIR/<setting>/model_<seed> for every combination, "
                           "tests each seed and writes DIR/summary.csv.")
    sweep.add_argument("config", help=f"a preset: {presets}")
    sweep.add_argument("--grid", action="append", default=[], metavar="FIELD=V1,V2",
                       help="values of one config field (repeat for a product grid)")
    sweep.add_argument("--seeds", default="0-7")
    sweep.add_argument("--out", default="sweeps")
    sweep.add_argument("--test-episodes", type=int, default=300)
    sweep.add_argument("--validation-seed", type=int, default=TEST_SEED_OFFSET,
                       help="seed s is tested on the validation episodes of seed VALIDATION_SEED + s "
                       "(default %(default)s; a stream of its own: never the reference runs' test episodes)")
    sweep.add_argument("--quiet", action="store_true")
    _add_parallel_options(sweep)
    test = sub.add_parser("test", help="test a checkpoint with frozen weights")
    test.add_argument("checkpoint", help="a run directory (model_<seed>) or a ckpt-*.npz file")
    test.add_argument("--episodes", type=int, default=300)
    test.add_argument("--seed", type=int, default=12345, help="test seed (default 12345)")
    test.add_argument("--trials-csv", help="write one row per trial to this CSV file")
    test.add_argument("--steps-npz", help="write every step's observation, action, reward, value, policy "
                      "and LSTM state (lstm_h, lstm_c), each [episode, step, ...], to this .npz file")
    test.add_argument("--training-objects", action="store_true",
                      help="test on the training set's objects instead of the held-out ones "
                      "(for tasks that hold objects out)")
    test.add_argument("--gym", action="store_true", help="play the test through the gymnasium "
                      "environment, the agent one step at a time (meta_rl.trained): the same episodes")
    reproduce = sub.add_parser("reproduce", help="train, test and plot the reference results",
                               description="Writes results/<experiment>/ (see meta_rl/reproduce.py).")
    reproduce.add_argument("experiment", nargs="?", default="all",
                           help=f"{experiments} or all (default)")
    reproduce.add_argument("--results", default="results", help="results directory (default results/); "
                           "the tables in README.md and docs/*.md of the current directory are updated")
    reproduce.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _add_parallel_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None,
                        help="local processes to split the seeds over (default: one per core)")
    parser.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                        help="run the seeds as Ray tasks (no ADDRESS: start a local Ray)")


def _run_training(config, seeds: list[int], out: Path, args) -> None:
    """Train locally (batched seeds, split over processes) or on Ray."""
    from meta_rl.learn.parallel import default_workers, train_local, train_ray

    if args.workers is not None and args.workers < 1:
        raise MetaRLError(f"--workers must be at least 1, got {args.workers}")
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
        if key.replace("-", "_") in {k.replace("-", "_") for k in changes}:
            raise MetaRLError(f"--{key} is given twice")
        changes[key] = value
        i += 1
    return changes


def _train(args, extra: list[str]) -> None:
    from meta_rl.config import override
    from meta_rl.seeds import parse_seeds
    from meta_rl.tasks.registry import get_config

    config = override(get_config(args.config), _overrides(extra))
    seeds = parse_seeds(args.seeds)
    out = Path(args.out)
    _run_training(config, seeds, out, args)
    print(f"trained {config.name} seeds {args.seeds} for {config.episodes} episodes in {out}")


def _sweep(args, extra: list[str]) -> None:
    from meta_rl.config import override
    from meta_rl.learn.sweep import format_table, grid_settings, parse_grid, test_setting, write_summary
    from meta_rl.seeds import parse_seeds
    from meta_rl.tasks.registry import family, get_config

    base = override(get_config(args.config), _overrides(extra))
    settings = grid_settings(base, parse_grid(args.grid))
    seeds = parse_seeds(args.seeds)
    if args.test_episodes <= 0:
        raise MetaRLError(f"--test-episodes must be positive, got {args.test_episodes}")
    out = Path(args.out)
    for name, config in settings:
        print(f"setting {name}", file=sys.stderr)
        _run_training(config, seeds, out / name, args)
    task_family = family(base.task.kind)
    tested = [test_setting(task_family, name, out / name, seeds, args.test_episodes, args.validation_seed)
              for name, _ in settings]
    rows = [t.row() for t in tested]
    write_summary(out / "summary.csv", rows)
    write_summary(out / "per_seed.csv", [row for t in tested for row in t.seed_rows()])
    print(format_table(rows))
    print(f"summary written to {out / 'summary.csv'} (each seed's in {out / 'per_seed.csv'})")


def _test(args, extra: list[str]) -> None:
    from meta_rl.files import check_writable
    from meta_rl.learn.evaluate import load_agent, run_test, write_steps_npz, write_trials_csv
    from meta_rl.tasks.registry import family, task_classes
    from meta_rl.trained import run_gym_test

    if extra:
        raise MetaRLError(f"unexpected argument {extra[0]!r}")
    if args.episodes <= 0:
        raise MetaRLError(f"--episodes must be positive, got {args.episodes}")
    if not 0 <= args.seed < 2**31:
        raise MetaRLError(f"--seed must be in [0, 2^31), got {args.seed}")
    for path in (args.trials_csv, args.steps_npz):
        if path:
            check_writable(Path(path))
    config, episode, params = load_agent(Path(args.checkpoint), task_classes())
    play = run_gym_test if args.gym else run_test  # the same episodes, through gymnasium or compiled
    result = play(family(config.task.kind), config, params, args.seed, args.episodes,
                      held_out=not args.training_objects, with_steps=bool(args.steps_npz))
    print(f"{config.name} checkpoint at episode {episode}: {args.episodes} test episodes, "
          f"seed {args.seed}, frozen weights, sampled actions")
    print(result.report())
    if args.trials_csv:
        write_trials_csv(Path(args.trials_csv), result.trials, result.csv_columns)
        print(f"trials written to {args.trials_csv}")
    if args.steps_npz:
        write_steps_npz(Path(args.steps_npz), result.steps)
        print(f"steps written to {args.steps_npz}")


def _reproduce(args, extra: list[str]) -> None:
    from meta_rl.documents import OVERVIEW, documents, overview_table, update_documents
    from meta_rl.files import check_output_dir
    from meta_rl.reproduce import reproduce, results_root
    from meta_rl.tasks.registry import experiments, select_experiments

    if extra:
        raise MetaRLError(f"unexpected argument {extra[0]!r}")
    chosen = select_experiments(args.experiment)
    root = results_root(Path(args.results))
    check_output_dir(root, "--results")  # before any training
    pages = documents(Path("."))
    for task_family, experiment in chosen:
        summary = reproduce(task_family, experiment, root, progress=not args.quiet)
        print(experiment.describe(summary))
        for path in update_documents(pages, experiment.tables(summary)):
            print(f"{path}: tables of {experiment.name} updated")
    # every experiment's row, the others' read from their results.json as they stand
    overview = overview_table((e for _, e in experiments().values()), root)
    for path in update_documents(pages, {OVERVIEW: overview} if overview else {}):
        print(f"{path}: the overview updated")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    previous = sigterm_as_interrupt()
    try:
        # argparse leaves --episodes, --lr, ... as unknown: they are config overrides.
        {"train": _train, "sweep": _sweep, "test": _test,
         "reproduce": _reproduce}[args.command](args, extra)
    except MetaRLError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a disk that fills up or turns read-only while a run writes
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: rerun the same command to resume from the last checkpoint",
              file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0
