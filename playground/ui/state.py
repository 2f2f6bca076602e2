"""Per-user state in st.session_state: the settings of a run and the run itself.

Pages never touch st.session_state directly (tests/test_scopes.py checks it); they go through
this module: ``get``/``put`` for a scope's values, ``value``/``set_value``/``seed`` for a
widget's or the app's own key. Each page family has a *scope* ("train" for the Train page and
the pages that share its settings, "catdog" for the cat/dog page), and a scope holds:

- ``config``: the TrainConfig the widgets edit. It lives under a plain key, not a widget key, so
  it survives pages whose widgets are not drawn (Streamlit forgets the state of widgets that a
  run does not draw).
- ``run``: a ``Run``, the Trainer with what the pages keep beside it (notices, frame counts).
- ``playing``: the one thing of the scope that is playing (a Trainer, a comparison ...), or
  None. Storing the object, not a bool, means a replaced run (Reset, new settings, a new sweep)
  is not playing without anyone having to say so. ``ui/live.py`` reads and sets it.

A trainer is per user and never cached across sessions (a cached resource is shared by all users).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from playground.config import TrainConfig
from playground.datasets import Dataset
from playground.scopes import SCOPES
from playground.training import Trainer


@dataclass
class Run:
    """One user's run: the trainer and how the timeline drives it.

    ``scope`` is the scope that holds the run; a run made only for drawing (a replayed epoch)
    has none and never plays.
    """

    trainer: Trainer
    scope: str | None = None
    notices: list = field(default_factory=list)
    frames: int = 0  # ticks that trained, for the curious and for tests
    last_frame: tuple = (0, 0.0)  # (epochs, seconds) trained in the last tick
    figures: dict = field(default_factory=dict)  # key -> (built at, figure) for slow views
    # An epoch the ticks train to, then stop (or play on if ``then_play``): a link's ``at``, or
    # a Step whose epoch is too long for one click. ``goal_from`` says which, for the status.
    goal: int | None = None
    goal_from: str = ""
    then_play: bool = False

    def aim(self, epoch: int, why: str, then_play: bool = False) -> None:
        """Train to ``epoch`` in the ticks of the live fragment (playing until then)."""
        if self.trainer.can_train and self.trainer.epoch < epoch:
            self.goal, self.goal_from, self.then_play = epoch, why, then_play
            self.playing = True
        else:
            self.playing = then_play and self.trainer.can_train

    @property
    def playing(self) -> bool:
        return self.scope is not None and playing(self.scope, self.trainer)

    @playing.setter
    def playing(self, on: bool) -> None:
        if self.scope is not None:
            set_playing(self.scope, self.trainer if on else None)


def playing(scope: str, target) -> bool:
    """Whether ``target`` (a trainer, a comparison, a cursor ...) is what ``scope`` plays."""
    return target is not None and st.session_state.get(_key(scope, "playing")) is target


def set_playing(scope: str, target) -> None:
    """Play ``target`` in ``scope`` (None: nothing plays)."""
    st.session_state[_key(scope, "playing")] = target


def _key(scope, name):
    return f"{scope}.{name}"


def config(scope: str = "train", default: TrainConfig | None = None) -> TrainConfig:
    """The scope's current settings (on first use ``default``, else its page's starting ones)."""
    key = _key(scope, "config")
    if key not in st.session_state:
        st.session_state[key] = default or SCOPES[scope].default
    return st.session_state[key]


def set_config(cfg: TrainConfig, scope: str = "train") -> None:
    st.session_state[_key(scope, "config")] = cfg


def dataset(scope: str = "train") -> Dataset | None:
    """An uploaded dataset that replaces the config's generated one (None: generate)."""
    return st.session_state.get(_key(scope, "dataset"))


def set_dataset(data: Dataset | None, scope: str = "train") -> None:
    st.session_state[_key(scope, "dataset")] = data


def _uploaded_for(cfg: TrainConfig, scope: str) -> Dataset | None:
    """The uploaded dataset if the config trains on it (dataset 'csv'); else None: generate.

    An upload stays stored while another dataset is chosen, so choosing 'csv' again finds it.
    """
    return dataset(scope) if cfg.dataset == "csv" else None


def get(scope: str, name: str, default=None):
    """A small per-scope value (view toggles, remembered widths ...)."""
    return st.session_state.get(_key(scope, name), default)


def put(scope: str, name: str, value) -> None:
    st.session_state[_key(scope, name)] = value


def keyed(key: str, arg: str = "value", options=None) -> dict:
    """A widget's ``key=`` and its default, the value the key holds in session state.

    The default is not just for show. On a freshly opened page a run can start before the
    browser has registered some widgets; such a widget then shows its *default* and sends it
    back as the user's choice, and Streamlit's own default is the minimum or the first option
    (Points would become 50). ``arg`` names the widget's default parameter: "value", "index"
    (a selectbox) or "default" (a multiselect). With ``options`` a value that is not one of
    them (Streamlit would refuse it) is left out; a key with no value yet gets no default.
    """
    if key not in st.session_state:
        return {"key": key}
    current = st.session_state[key]
    if options is None:
        return {"key": key, arg: current}
    options = list(options)
    if arg == "index":
        return {"key": key, "index": options.index(current) if current in options else 0}
    if arg == "default":
        return {"key": key, "default": [v for v in current if v in options]}
    return {"key": key, arg: current} if current in options else {"key": key}


def current_run(scope: str = "train") -> Run:
    """The scope's run, made from its config on first use; kept in step with the config.

    A changed reset setting (data, architecture, initialisation) starts a new run and leaves a
    notice saying which; any other change applies to the running trainer, keeping its weights.
    """
    cfg = config(scope)
    key = _key(scope, "run")
    run = st.session_state.get(key)
    if run is None:
        run = st.session_state[key] = Run(Trainer(cfg, _uploaded_for(cfg, scope)), scope)
        return run
    changed = run.trainer.config.reset_changes(cfg)
    if changed:
        was_at = run.trainer.epoch
        new = Run(Trainer(cfg, _uploaded_for(cfg, scope)), scope)
        if was_at:
            new.notices.append(f"Changed {', '.join(_labels(changed))}: a new run starts at "
                               f"epoch 0 (the old one was at epoch {was_at}).")
        st.session_state[key] = run = new
    elif cfg != run.trainer.config:
        run.trainer.update_config(cfg)
    return run


def reset_run(scope: str = "train") -> None:
    """Start the scope's run again from epoch 0 with the same seeds: the same initial weights."""
    cfg = config(scope)
    st.session_state[_key(scope, "run")] = Run(Trainer(cfg, _uploaded_for(cfg, scope)), scope)


def _labels(names):
    return [n.replace("_", " ") for n in names]


# -- a widget's or the app's own key --------------------------------------------------------------
def value(key: str, default=None):
    """The value under a session key (a widget's key, a flag of the app), or ``default``."""
    return st.session_state.get(key, default)


def set_value(key: str, new) -> None:
    st.session_state[key] = new


def seed(key: str, first) -> str:
    """Put ``first`` under ``key`` unless it holds a value already (a widget's start); the key."""
    if key not in st.session_state:
        st.session_state[key] = first
    return key


def pop(key: str, default=None):
    """Take the value under a session key out (``default`` if there is none)."""
    return st.session_state.pop(key, default)


def forget(prefix: str) -> None:
    """Drop every key that starts with ``prefix`` (widgets then start from their seeds again)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
