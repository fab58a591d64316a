"""The Harlow test measures on hand-made episodes and on scripted players."""

import numpy as np

from meta_rl.tasks.harlow.episodes import SIDE_PATTERNS
from meta_rl.tasks.harlow.result import after_loss_same_sides, correct

REWARDED, OTHER = 7, 3


def episodes(patterns: np.ndarray) -> dict[str, np.ndarray]:
    """Trials ``[episodes, 6]`` of one pair whose rewarded object stands right where a
    pattern is 1; no choices yet."""
    left = np.where(patterns == 1, OTHER, REWARDED)
    return {"left_object": left, "right_object": REWARDED + OTHER - left,
            "rewarded_object": np.full(patterns.shape, REWARDED), "choice": np.zeros(patterns.shape, int)}


def test_after_loss_same_sides_counts_only_its_case():
    same, swapped = [0, 0, 1, 1, 0, 1], [0, 1, 0, 1, 0, 1]  # rewarded object: left, then left / right
    trials = episodes(np.array([same] * 4 + [swapped, same, same]))
    # trial 1: lost (chose right) in episodes 0-4, won in 5, no choice in 6
    trials["choice"][:, 0] = [1, 1, 1, 1, 1, 0, -1]
    # trial 2: right, wrong, right, wrong; episodes 4-6 chose wrong and must not count
    trials["choice"][:, 1] = [0, 1, 0, 1, 0, 1, 1]
    assert correct(trials)[:, 0].tolist() == [False] * 5 + [True, False]
    assert correct(trials)[4:, 1].tolist() == [False] * 3
    # counted: episodes 0-3 (4 swapped sides, 5 won trial 1, 6 made no trial-1 choice)
    assert after_loss_same_sides(trials) == 2 / 4


def test_side_counting_scores_0_and_object_memory_1():
    rng = np.random.default_rng(0)
    patterns = SIDE_PATTERNS.astype(int)[rng.integers(len(SIDE_PATTERNS), size=2000)]
    first = rng.integers(2, size=len(patterns))
    # side counting: after a loss on side s, 3 of the 5 trials left have the rewarded object on s
    counting = episodes(patterns)
    won = first == patterns[:, 0]
    counting["choice"][:, 0] = first
    counting["choice"][:, 1] = np.where(won, 1 - first, first)
    assert after_loss_same_sides(counting) == 0.0
    memory = episodes(patterns)
    memory["choice"][:, 0] = first
    memory["choice"][:, 1] = patterns[:, 1]  # wherever the rewarded object stands now
    assert after_loss_same_sides(memory) == 1.0
    assert np.isnan(after_loss_same_sides({k: v[won] for k, v in memory.items()}))
