"""The pages that own a run's settings ("scopes"), in one read-only registry.

A scope is a page family with settings of its own: "train" (the Train page, and the Lessons,
Compare, Landscape, Replay and Inside pages that work on its run) and "catdog" (the cats-and-dogs
page). Each entry says where its page lives, its starting settings, the datasets it offers and
how its controls differ from the sidebar's; links, lessons and the pages read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from playground.config import TrainConfig
from playground.control_specs import Where
from playground.datasets import DATASETS


@dataclass(frozen=True)
class Scope:
    """One page family's settings.

    Attributes
    ----------
    key : str
        The name its session state lives under ("train.config" ...).
    page : str
        Its page script, as ``st.Page`` and ``st.switch_page`` take it.
    url_path : str
        The page's address (``st.Page`` derives it from the script's name).
    default : TrainConfig
        The settings a first visit starts with; links write only what differs from them.
    datasets : tuple of str, or None
        The datasets it offers; None: every generated one, and an uploaded table.
    own : frozenset of str
        Controls the page draws itself, not the settings sidebar.
    columns : str
        How its controls pick cat/dog features (see ``control_specs.Where``).
    """

    key: str
    page: str
    url_path: str
    default: TrainConfig
    datasets: tuple | None = None
    own: frozenset = frozenset()
    columns: str = "pair"

    def where(self, upload=None, hidden_controls=frozenset()) -> Where:
        """What its controls depend on besides the config: ``upload`` is (task, rows) or None."""
        return Where(tuple(self.datasets or DATASETS),
                     upload=upload if self.datasets is None else None, columns=self.columns,
                     hidden_controls=frozenset(hidden_controls))


SCOPES = MappingProxyType({
    "train": Scope("train", "app_pages/train.py", "train", TrainConfig()),
    # All six features, one hidden layer of 8, Adam.
    "catdog": Scope("catdog", "app_pages/cats_dogs.py", "cats_dogs",
                    TrainConfig(dataset="catdog", hidden=(8,), optimizer="adam", lr=0.01,
                                batch_size=10, epochs=500),
                    datasets=("catdog",), own=frozenset({"dataset", "columns"}), columns="set"),
})
"""Every scope by key."""


def of_page(url_path: str) -> Scope:
    """The scope a page edits: its own, or the Train page's for the pages that work on its run."""
    return next((s for s in SCOPES.values() if s.url_path == url_path), SCOPES["train"])
