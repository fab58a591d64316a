"""Reference players of the volatility task: delta-rule learners (the model of
``meta_rl.analysis.phase_fit``) played on the agent's own test episodes, with the same
options paying on the same trials.

``PLAYERS``: one learning rate for both phases (its fitted rates must come out equal: the
control that the fit finds no volatility effect where there is none), and one that knows
the phase and learns faster in the volatile one (the fit must recover its two rates).
"""

from __future__ import annotations

import numpy as np

from meta_rl.analysis.delta_rule import update

PLAYERS = {
    "delta rule, one rate": (0.2, 0.2, 5.0),
    "delta rule, faster when volatile": (0.1, 0.4, 5.0),
}
"""Name -> (stable learning rate, volatile learning rate, inverse temperature)."""


def play(alpha_stable: float, alpha_volatile: float, beta: float, p0, volatile, u_paid,
         rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Actions and rewards ``[E, N]`` of the learner on episodes with option-0 probabilities
    ``p0 [E, N]``, phases ``volatile [E, N]`` and the uniforms ``u_paid [E, N]`` that decide
    which option pays (option 0 when ``u < p0``, as in ``env.py``)."""
    p0, u_paid = np.asarray(p0), np.asarray(u_paid)
    alpha = np.where(np.asarray(volatile) > 0, alpha_volatile, alpha_stable)
    paid = np.where(u_paid < p0, 0, 1)
    q = np.full((len(p0), 1), 0.5)  # one item: the estimate that option 0 pays
    actions = np.zeros(p0.shape, int)
    for t in range(p0.shape[1]):
        choose0 = rng.random(len(p0)) < 1.0 / (1.0 + np.exp(-beta * (2.0 * q[:, 0] - 1.0)))
        actions[:, t] = np.where(choose0, 0, 1)
        q = update(q, 0, paid[:, t] == 0, alpha[:, t])
    return {"action": actions, "reward": (actions == paid).astype(int)}
