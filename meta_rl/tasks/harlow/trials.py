"""The Harlow trial log: one row per trial rebuilt from ``BatchedHarlow.step``'s per-step records."""

from __future__ import annotations

import numpy as np

from meta_rl.tasks.harlow.params import N_TRIALS, HarlowRules


def records_to_trials(records: dict[str, np.ndarray], params: HarlowRules) -> dict[str, np.ndarray]:
    """Per-step records ``[..., n_steps]`` -> per-trial arrays ``[..., 6]``.

    Keys: ``left_object, right_object, rewarded_object, choice`` (0 left, 1 right, -1 none:
    a psychlab trial not completed within the frame budget) and ``reward`` (the choice's
    reward, fixation rewards excluded; 0 without a choice). All int arrays (``reward`` is
    float if the rewards are not whole numbers).
    """
    choice_steps = np.asarray(records["choice"])
    lead = choice_steps.shape[:-1]
    n_steps = choice_steps.shape[-1]

    def flat(name: str) -> np.ndarray:
        return np.asarray(records[name]).reshape(-1, n_steps)

    rewarded, other = flat("rewarded_object")[:, 0], flat("other_object")[:, 0]
    bits = flat("side_bits")[:, 0]
    sides = (bits[:, None] >> np.arange(N_TRIALS)) & 1
    whole = float(params.reward_correct).is_integer() and float(params.reward_wrong).is_integer()
    n = len(rewarded)
    choice = np.full((n, N_TRIALS), -1, np.int64)
    reward = np.zeros((n, N_TRIALS), np.int64 if whole else np.float32)
    episode, step = np.nonzero(flat("choice") >= 0)
    trial = flat("trial")[episode, step]
    choice[episode, trial] = flat("choice")[episode, step]
    reward[episode, trial] = flat("choice_reward")[episode, step]
    trials = {
        "left_object": np.where(sides == 0, rewarded[:, None], other[:, None]),
        "right_object": np.where(sides == 0, other[:, None], rewarded[:, None]),
        "rewarded_object": np.repeat(rewarded[:, None], N_TRIALS, axis=1),
        "choice": choice,
        "reward": reward,
    }
    return {k: v.reshape(lead + (N_TRIALS,)) for k, v in trials.items()}
