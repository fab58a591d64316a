"""The notebooks' plotting, in one import: ``import helper``.

The figures live beside the code they draw (``meta_rl/plotting.py`` for what every family
shares, ``meta_rl/tasks/<family>/plots.py`` for each family's own); this module gathers them
so that a notebook needs one name. Every function that creates its own figure saves it
(optionally) and closes it before returning it.
"""

from meta_rl.plotting import (
    finish,
    plot_decoding,
    plot_learning_rates,
    plot_reward_curves,
    show_frames,
    smooth,
)
from meta_rl.tasks.bandit.plots import (
    PLAYER_STYLES,
    plot_bandit_episodes,
    plot_generalisation,
    plot_k_armed,
    plot_regret_curves,
)
from meta_rl.tasks.foraging.plots import plot_history_weights, plot_matching, plot_unit_coding
from meta_rl.tasks.harlow.plots import (
    LEVEL_COLORS,
    PAPER_HARLOW_TRIAL_2,
    animate_harlow_episode,
    plot_harlow_accuracy,
    plot_harlow_over_training,
    plot_value_loss,
)
from meta_rl.tasks.informative_arm.plots import plot_choices
from meta_rl.tasks.maze.plots import animate_maze_episode, plot_steps_by_search, plot_trajectories
from meta_rl.tasks.restless.plots import plot_regret
from meta_rl.tasks.reversal.plots import plot_inferred_value, plot_reversal_values
from meta_rl.tasks.risky_choice.plots import plot_risky_choice
from meta_rl.tasks.two_step.plots import (
    BIN_COLORS,
    TRANSITION_COLORS,
    animate_episode,
    draw_task,
    draw_trial,
    plot_lagged_regression,
    plot_model_weights,
    plot_rpe_r2,
    plot_stay_evolution,
    plot_stay_panels,
    plot_stay_probabilities,
    plot_swap_aligned,
    plot_trials,
    stay_error,
)
from meta_rl.tasks.volatility.plots import plot_reversal_aligned

__all__ = ["BIN_COLORS", "LEVEL_COLORS", "PAPER_HARLOW_TRIAL_2", "PLAYER_STYLES", "TRANSITION_COLORS",
           "animate_episode", "animate_harlow_episode", "animate_maze_episode", "draw_task",
           "draw_trial", "finish", "plot_bandit_episodes", "plot_choices", "plot_decoding",
           "plot_generalisation", "plot_harlow_accuracy", "plot_harlow_over_training",
           "plot_history_weights", "plot_inferred_value", "plot_k_armed", "plot_lagged_regression",
           "plot_learning_rates", "plot_matching", "plot_model_weights", "plot_regret",
           "plot_regret_curves", "plot_reversal_aligned", "plot_reversal_values", "plot_reward_curves",
           "plot_risky_choice", "plot_rpe_r2", "plot_stay_evolution", "plot_stay_panels",
           "plot_stay_probabilities", "plot_steps_by_search", "plot_swap_aligned", "plot_trajectories",
           "plot_trials", "plot_unit_coding", "plot_value_loss", "show_frames", "smooth", "stay_error"]
