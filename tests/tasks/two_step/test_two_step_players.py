"""Reference agents of the two-step task: their updates, and the stay-probability signatures."""

import numpy as np
import pytest

from meta_rl.tasks.gym import TaskEnv
from meta_rl.tasks.two_step import players as baselines
from meta_rl.tasks.two_step.presets import VARIANTS as TWO_STEP_VARIANTS

FINAL = TWO_STEP_VARIANTS["biorxiv-final"]


def test_model_free_update_is_sarsa_lambda():
    agent = baselines.ModelFree(alpha=0.5, beta=1.0, lam=0.5)
    agent.reset(1)
    agent.v[0, 2] = 0.4
    agent.update(np.array([1]), np.array([2]), np.array([1.0]))
    # delta1 = 0.4 - 0 -> Q = 0.2; delta2 = 1 - 0.4 = 0.6 -> V = 0.7, Q += 0.5 * 0.5 * 0.6
    assert agent.q[0].tolist() == pytest.approx([0.0, 0.2 + 0.15])
    assert agent.v[0, 2] == pytest.approx(0.7)


def test_model_based_values_use_the_transition_matrix():
    agent = baselines.ModelBased(common_prob=0.8, alpha=1.0)
    agent.reset(2)
    agent.update(np.array([0, 0]), np.array([1, 2]), np.array([1.0, 1.0]))
    # episode 0: V(S2) = 1 -> Q(a1) = 0.8, Q(a2) = 0.2; episode 1: V(S3) = 1, the reverse
    np.testing.assert_allclose(agent.action_values(), [[0.8, 0.2], [0.2, 0.8]])


def test_softmax_choice_frequencies():
    rng = np.random.default_rng(0)
    values = np.tile([0.0, 1.0], (20000, 1))
    chosen = baselines.softmax_choice(values, 2.0, rng)
    assert chosen.mean() == pytest.approx(1 / (1 + np.exp(-2.0)), abs=0.01)


def test_play_is_seeded_and_agents_share_the_task_randomness():
    a = baselines.play(baselines.ModelFree(), FINAL, 20, seed=3)
    b = baselines.play(baselines.ModelFree(), FINAL, 20, seed=3)
    c = baselines.play(baselines.ModelBased(), FINAL, 20, seed=3)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    # the rich state follows the task's uniforms only, whatever the agent does
    np.testing.assert_array_equal(a["rich_state"], c["rich_state"])
    bayes = baselines.play_bayes(FINAL, 20, seed=3)
    np.testing.assert_array_equal(a["rich_state"], bayes["rich_state"])


@pytest.mark.parametrize("name", list(TWO_STEP_VARIANTS))
def test_env_play_matches_the_task_statistics(name):
    params = TWO_STEP_VARIANTS[name]
    trials = baselines.play_env(baselines.ModelBased(common_prob=params.common_prob),
                                TaskEnv(params), 40, seed=0)
    assert trials["action"].shape == (40, params.n_trials)
    common = (trials["action"] == 0) == (trials["state"] == 1)
    np.testing.assert_array_equal(common, trials["common"] == 1)
    assert abs(trials["common"].mean() - params.common_prob) < 0.05
    rich = trials["state"] == trials["rich_state"]
    assert trials["reward"][rich].mean() > 0.8 and trials["reward"][~rich].mean() < 0.2


def test_model_free_signature_reward_main_effect_only():
    s = baselines.summary(baselines.play(baselines.ModelFree(), FINAL, 600, seed=0))
    reward, interaction = s["regression"].coef[1], s["regression"].coef[3]
    assert reward > 1.0 and abs(interaction) < 0.25 * reward
    stay = s["stay"]
    assert min(stay[0], stay[2]) > max(stay[1], stay[3]) + 0.3  # rewarded >> unrewarded


def test_model_based_signature_interaction_only():
    s = baselines.summary(baselines.play(baselines.ModelBased(), FINAL, 600, seed=0))
    reward, interaction = s["regression"].coef[1], s["regression"].coef[3]
    assert interaction > 0.8 and abs(reward) < 0.2 * interaction
    assert s["model_based"]
    stay = s["stay"]
    assert min(stay[0], stay[3]) > max(stay[1], stay[2]) + 0.3


def test_bayes_observer_beats_the_learners():
    mf, mb = (baselines.summary(baselines.play(agent, FINAL, 300, seed=1))
              for agent in (baselines.ModelFree(), baselines.ModelBased()))
    bayes = baselines.summary(baselines.play_bayes(FINAL, 300, seed=1))
    assert bayes["reward_per_100"] > mb["reward_per_100"] > mf["reward_per_100"] > 55
    # it always repeats an action that was rewarded after a common transition
    assert bayes["stay"][0] == 1.0 and bayes["stay"][3] == 1.0
