"""The Harlow task's named configs, one per level (Wang et al. 2018, Simulation 5).

The original reimplementation: LSTM 48, RMSProp 1e-3, discount 0.9, beta_v = beta_e = 0.05.
The paper ran 32 workers: here 32 episodes are averaged per update.

Pixels: the original's 48 LSTM units and linear object features (``FEATURE_ACTIVATION``);
the level shows the pair for a preview step before the choice step. The earlier preset
(the paper's 256 units, ReLU features, the choice on the first step the pair shows) left
seeds on plateaus of the side statistics and of a partial strategy (``PIXELS_ABLATION``).
Psychlab episodes are 120 frames (60 agent steps), against 12 agent steps (symbolic) or 18
(pixels).

Psychlab: 256 LSTM units and two frames per agent step (``TASK_CHANGES``); the earlier
setting, 48 units and one step per frame, chose at chance.

What each preset and ablation measured (accuracies, seeds passing, wall times) is in the
tables ``meta-rl reproduce harlow`` writes into ``docs/harlow.md``.
"""

import dataclasses

from meta_rl.config import Config
from meta_rl.tasks.harlow.env import HarlowParams

SYMBOLIC = HarlowParams(level="symbolic")
"""The original reimplementation's final setup: 42 one-hot object ids, one step per trial."""
PIXELS = HarlowParams(level="pixels", preview_steps=1)
"""Object images side by side, new objects every episode; per trial a fixation step, a
preview step and the choice step."""
PSYCHLAB = HarlowParams(level="psychlab")
"""Psychlab dynamics at low resolution (Wang et al. 2018, Simulation 5)."""
HARLOW_LEVELS = {"symbolic": SYMBOLIC, "pixels": PIXELS, "psychlab": PSYCHLAB}
"""The three levels' parameters, each preset's task before its ``TASK_CHANGES``."""

HIDDEN = {"harlow-psychlab": 256}
"""LSTM units where the level differs from the default 48 (256: the paper's Simulation 5)."""
EPISODES = {"harlow-symbolic": 1024000, "harlow-pixels": 2048000, "harlow-psychlab": 144000}
VALUE_COEF = {"harlow-symbolic": 0.02, "harlow-pixels": 0.02}
"""beta_v where a level departs from the original's 0.05. The value loss (of rewards of +-5)
shares the LSTM with the policy; the heavier it weighs, the more seeds settle on a partial
strategy (after a loss on trial 1 they keep the side, and find the other object only when
the pair swapped sides). Measured on the symbolic level's seeds at four weights
(``BETA_V_ABLATION``; ``results/harlow/table-harlow-value-loss.md``).
Psychlab keeps 0.05, which its committed seeds were trained with."""
FEATURE_ACTIVATION = {"harlow-pixels": "linear"}
"""The encoder's last layer where it is not ReLU. Pixels: with ReLU, object features die
during training (``PIXELS_ABLATION``; the dead features per seed: ``docs/harlow.md``);
linear features cannot die."""
TASK_CHANGES = {"harlow-psychlab": {"frames_per_step": 2}}
"""Where a preset departs from its level's parameters. psychlab, 2 frames per agent step: half
the agent steps per episode, so fewer LSTM steps to run and to train through (what it buys:
the ``harlow-psychlab-one-frame`` row of ``docs/harlow.md``'s psychlab table), and nearer
Wang et al. 2016's agent, which acted every 4 frames (action repeat 4, Sec. 3.2.2), than one
decision per frame. ``harlow-psychlab --frames-per-step 1`` decides on every frame."""

PRESETS = {
    f"harlow-{level}": Config(name=f"harlow-{level}",
                              task=dataclasses.replace(params, **TASK_CHANGES.get(f"harlow-{level}", {})),
                              lr=1e-3, batch_episodes=32,
                              hidden=HIDDEN.get(f"harlow-{level}", Config.hidden),
                              value_coef=VALUE_COEF.get(f"harlow-{level}", Config.value_coef),
                              feature_activation=FEATURE_ACTIVATION.get(f"harlow-{level}",
                                                                        Config.feature_activation),
                              episodes=EPISODES[f"harlow-{level}"], checkpoint_every=32000,
                              log_every=3200, chunk=100)
    for level, params in HARLOW_LEVELS.items()
}
PRESETS["harlow-psychlab-one-frame"] = dataclasses.replace(
    PRESETS["harlow-psychlab"], name="harlow-psychlab-one-frame", task=HARLOW_LEVELS["psychlab"])
"""The gaze level with one agent step per frame (no action repeat): the ablation that
measures what ``TASK_CHANGES`` buys (``results/harlow/psychlab-one-frame``)."""

BETA_V_ABLATION = {f"harlow-symbolic-beta-v-{v}": dataclasses.replace(
    PRESETS["harlow-symbolic"], name=f"harlow-symbolic-beta-v-{v}", value_coef=v) for v in (0.01, 0.05, 0.25)}
"""The symbolic level with other weights of the value loss (0.05: the original's), the
evidence for ``VALUE_COEF`` (``results/harlow/symbolic-beta-v-*``)."""
PRESETS.update(BETA_V_ABLATION)

NO_PREVIEW = dataclasses.replace(HARLOW_LEVELS["pixels"], preview_steps=0)
"""The pixels level choosing on the first step the pair shows (``HarlowParams.preview_steps``)."""
PIXELS_ABLATION = {
    "harlow-pixels-relu": dataclasses.replace(PRESETS["harlow-pixels"], name="harlow-pixels-relu",
                                              feature_activation="relu"),
    "harlow-pixels-no-preview": dataclasses.replace(PRESETS["harlow-pixels"], name="harlow-pixels-no-preview",
                                                    task=NO_PREVIEW),
    "harlow-pixels-256-relu-no-preview": dataclasses.replace(
        PRESETS["harlow-pixels"], name="harlow-pixels-256-relu-no-preview", task=NO_PREVIEW,
        hidden=256, feature_activation="relu", episodes=3072000),
}
"""The pixels level without each of its preset's changes (``results/harlow/pixels-*``): ReLU
features; no preview step; and the earlier preset, the paper's 256 units with ReLU features
and no preview step, trained three times as long."""
PRESETS.update(PIXELS_ABLATION)

GYM_ENVS = {f"meta_rl/Harlow-{level}-v0": params for level, params in HARLOW_LEVELS.items()}
"""``gym.make("meta_rl/Harlow-pixels-v0")`` after ``import meta_rl.tasks.registry`` (the generic
``meta_rl.tasks.gym.TaskEnv``; held-out objects, as ``meta-rl test``)."""
