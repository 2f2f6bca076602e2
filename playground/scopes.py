"""The app's pages and the pages that own a run's settings ("scopes"), in read-only registries.

``PAGES`` lists every page of the navigation (script, menu title, icon): the entry point builds
its menu from it and a page links to another through it, so no page path is written twice.

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
class Page:
    """One page of the navigation: its script (as ``st.Page`` and ``st.page_link`` take it),
    its menu title and its icon."""

    script: str
    title: str
    icon: str


PAGES = MappingProxyType({  # in menu order; the first is the app's default page
    "train": Page("app_pages/train.py", "Train", ":material/model_training:"),
    "lessons": Page("app_pages/lessons.py", "Lessons", ":material/school:"),
    "catdog": Page("app_pages/cats_dogs.py", "Cats vs dogs", ":material/pets:"),
    "compare": Page("app_pages/compare.py", "Compare runs", ":material/compare_arrows:"),
    "landscape": Page("app_pages/landscape.py", "Loss landscape", ":material/landscape:"),
    "replay": Page("app_pages/replay.py", "Replay", ":material/replay:"),
    "inside": Page("app_pages/inside.py", "Inside the network", ":material/visibility:"),
    "loss_functions": Page("app_pages/loss_functions.py", "Loss functions",
                           ":material/functions:"),
})
"""Every page by key."""


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
    "train": Scope("train", PAGES["train"].script, "train", TrainConfig()),
    # All six features, one hidden layer of 8, Adam.
    "catdog": Scope("catdog", PAGES["catdog"].script, "cats_dogs",
                    TrainConfig(dataset="catdog", hidden=(8,), optimizer="adam", lr=0.01,
                                batch_size=10, epochs=500),
                    datasets=("catdog",), own=frozenset({"dataset", "columns"}), columns="set"),
})
"""Every scope by key."""


def of_page(url_path: str) -> Scope:
    """The scope a page edits: its own, or the Train page's for the pages that work on its run."""
    return next((s for s in SCOPES.values() if s.url_path == url_path), SCOPES["train"])
