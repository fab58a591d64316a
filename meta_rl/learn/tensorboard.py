"""A small TensorBoard scalar writer (event files readable by any TensorBoard)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from meta_rl.errors import MetaRLError


class TensorBoardWriter:
    """Writes scalar summaries to a new event file in ``log_dir``.

    Thousands of points cost milliseconds (no TensorFlow ops), so logging never slows
    training down.
    """

    def __init__(self, log_dir: Path):
        self._writer = EventFileWriter(str(log_dir))

    def scalars(self, step: int, values: dict[str, float]) -> None:
        """One event holding every ``tag: value`` at ``step``."""
        summary = Summary(value=[Summary.Value(tag=tag, simple_value=float(value))
                                 for tag, value in values.items()])
        self._writer.add_event(Event(wall_time=time.time(), step=int(step), summary=summary))

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


def last_logged_step(log_dir: Path, tag: str = "perf/reward") -> int:
    """The largest step of scalar ``tag`` in the event files of ``log_dir`` (0 if none); a
    record cut short by a killed writer is skipped."""
    last = 0
    for path in sorted(Path(log_dir).glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(path)).Load():
            if any(value.tag == tag for value in event.summary.value):
                last = max(last, int(event.step))
    return last


def read_scalars(path: Path, tag: str = "perf/reward") -> tuple[np.ndarray, np.ndarray]:
    """``(steps, values)`` of one TensorBoard scalar from the event files in ``path``.

    Read with TensorBoard's ``EventAccumulator``. A resumed run has several event files;
    if a step appears twice the last value wins.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(path), size_guidance={"scalars": 0})
    accumulator.Reload()
    if tag not in accumulator.Tags().get("scalars", []):
        raise MetaRLError(f"no TensorBoard scalar {tag!r} in {path}")
    by_step = {event.step: event.value for event in accumulator.Scalars(tag)}
    steps = np.array(sorted(by_step))
    return steps, np.array([by_step[s] for s in steps])
