"""The page URL kept in step with the settings, links opened, and the copy-link control.

Streamlit clears the query parameters whenever the user moves to another page, and opening a
URL by hand starts a new session. So the entry file calls, on every run:

- ``open_link(page)`` before the page: on a session's first run only, it reads the URL (a link
  being opened), loads its settings into the page's scope, and applies the teacher's keys
  (hidden controls, autoplay, training to an epoch);
- ``keep_in_url(page, box)`` after the page: it writes the scope's current settings and the
  epoch its run is at into the URL (so the address bar is always a working link, and a reload
  trains back to the same weights) and shows, in ``box``, the one note that lists whatever the
  opened link held that could not be used.

``share_box(scope)`` draws the copy-link control and the teacher's options for the link.

Left out: shortening links (they carry only non-default settings) and uploaded data (a link
cannot carry a file; the box says so).
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from playground import control_specs, links, scopes
from playground.config import TrainConfig
from playground.text import md_escape
from playground.ui import controls, live, state

OPENED = "links.opened"
NOTES = "links.notes"
REQUESTED = "links.requested"
CONTROL_LABELS = {name: control.title for name, control in control_specs.CONTROLS.items()}


def page_scope(page) -> tuple[str, TrainConfig, tuple | None]:
    """The settings scope a page edits, its starting config, and the datasets it offers."""
    scope = scopes.of_page(getattr(page, "url_path", ""))
    return scope.key, scope.default, scope.datasets


# -- opening a link -----------------------------------------------------------------------------
def open_link(page) -> None:
    """On a session's first run, load what the URL carries into the page's scope."""
    if state.value(OPENED):
        return
    state.set_value(OPENED, True)
    params = {k: v for k, v in st.query_params.to_dict().items()
              if k not in links.IGNORED_KEYS}
    if not params:
        return
    scope, base, datasets = page_scope(page)
    link = links.decode(params, base=base, datasets=datasets, columns=scopes.SCOPES[scope].columns)
    controls.load(link.config, scope)
    state.put(scope, "link_hidden", link.hidden_controls)
    state.put(scope, "link_autoplay", link.autoplay)
    state.set_value(NOTES, list(link.notes))
    for name, value in link.display.items():  # the display widgets are drawn after the page
        state.set_value(f"display.{name}", value)
    state.set_value(REQUESTED, (scope, link.config))
    run = state.current_run(scope)
    if link.at:
        # A bit now, the rest in the live fragment's ticks (the page shows its progress): a far
        # epoch on a big network would otherwise hold the page's first run for minutes.
        run.trainer.run(epochs=link.at - run.trainer.epoch, seconds=live.ACTION_SECONDS)
        run.aim(link.at, "link", then_play=link.autoplay)
    elif link.autoplay:
        run.playing = run.trainer.can_train


def hidden_controls(scope: str) -> frozenset:
    """The controls an opened link asked to hide on this scope's page."""
    return frozenset(state.get(scope, "link_hidden", frozenset()))


# -- keeping the URL up to date -----------------------------------------------------------------
def keep_in_url(page, box) -> None:
    """Write the scope's settings into the URL; show the opened link's notes in ``box``."""
    scope, base, _ = page_scope(page)
    cfg = state.config(scope, default=base)
    _note_page_changes(scope, cfg)
    params = links.encode(cfg, hidden_controls=hidden_controls(scope), base=base, at=_epoch_reached(scope, cfg),
                          autoplay=bool(state.get(scope, "link_autoplay", False)),
                          display={"projector": state.value("display.projector"),
                                   "palette": state.value("display.palette")})
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    _show_notes(box)


def _epoch_reached(scope: str, cfg: TrainConfig) -> int:
    """The epoch the scope's run is at, for the address bar: a reload trains back to it.

    So the address always says where the learner is (an opened ``at=57`` stays, a Step makes
    it 58, a Reset drops it). 0 when the page made no run or the run is not this config's.
    """
    run = state.get(scope, "run")
    if run is None or run.trainer.config.reset_changes(cfg):
        return 0
    return min(max(run.trainer.epoch, run.goal or 0), links.MAX_AT)  # a reload aims alike


def _note_page_changes(scope: str, cfg: TrainConfig) -> None:
    """After the first page run: say which of the link's settings the page's controls changed."""
    requested = state.pop(REQUESTED)
    if requested is None or requested[0] != scope:
        return
    asked = requested[1]
    for name in asked.to_dict():
        if getattr(asked, name) != getattr(cfg, name):
            state.value(NOTES).append(
                f"{name}: the link's {links.as_text(getattr(asked, name))} became "
                f"{links.as_text(getattr(cfg, name))}, the nearest the page's control allows.")


def _show_notes(box) -> None:
    notes = state.value(NOTES)
    if not notes:
        return
    with box:
        text = "\n".join(f"- {md_escape(note)}" for note in notes[:12])  # they quote the URL
        if len(notes) > 12:
            text += f"\n- … and {len(notes) - 12} more."
        st.warning("**This link held values that could not be used as they were**, so they were "
                   "changed or left out:\n\n" + text, icon=":material/link_off:")
        st.button("Dismiss", key="links.dismiss", on_click=_dismiss)


def _dismiss() -> None:
    state.pop(NOTES)


# -- the copy-link control ----------------------------------------------------------------------
def link_url(scope: str, *, base: TrainConfig = links.DEFAULTS, hidden_controls=(), autoplay=False,
             at=0) -> str:
    """The full link to this page with the scope's settings (relative if the URL is unknown)."""
    params = links.encode(state.config(scope, default=base), hidden_controls=hidden_controls, autoplay=autoplay,
                          at=at, base=base)
    page_url = st.context.url or ""
    query = urlencode(params, safe=",*^")
    return page_url + ("?" + query if query else "")


def lazy_expander(label: str, key: str, **kwargs):
    """A closed expander whose content the page builds only once it is opened (``.open``).

    For the boxes a visit rarely opens: built at once, the share box alone (its code block
    loads a highlighter) delays the Train page's first chart.
    """
    return st.expander(label, key=key, on_change="rerun", **kwargs)


def share_box(scope: str, *, base: TrainConfig = links.DEFAULTS) -> None:
    """The link to this run, to copy, with the options a teacher sets for a class."""
    run = state.current_run(scope)
    # A pop-over, not a box on the page: it waits beside the page's title, out of the charts'
    # way; like a lazy expander, it is built only once opened.
    box = st.popover("Share", key=f"{scope}.share.open", on_change="rerun",
                     icon=":material/link:", help="A link with every setting of this run")
    if not box.open:
        return
    # persist_state on the options: a closed box draws nothing, and Streamlit forgets the value
    # of a widget in a run that does not draw it.
    with box:
        link_box = st.container()
        at = 0
        # Ticked from the start: what a learner shares is what they see, not epoch 0.
        if run.trainer.epoch and st.checkbox(
                f"Open at epoch {min(run.trainer.epoch, links.MAX_AT)}", value=True,
                key=f"{scope}.share.at", persist_state="session",
                help="Whoever opens the link gets the same data and starting weights, trained "
                     "to this epoch: the same history, bit for bit."):
            at = min(run.trainer.epoch, links.MAX_AT)
        st.markdown("**For a class**")
        only = st.multiselect(
            "Students may change only", list(links.CONTROLS), format_func=CONTROL_LABELS.get,
            key=f"{scope}.share.only", placeholder="every control", persist_state="session",
            help="Pick the controls students need (say, the learning rate alone); the link "
                 "hides the others and fixes their values. Leave empty to show all.")
        autoplay = st.checkbox("Start training when the link is opened",
                               key=f"{scope}.share.autoplay", persist_state="session")
        teacher_hidden = frozenset(links.CONTROLS) - set(only) if only else frozenset()
        with link_box:
            url = link_url(scope, base=base, hidden_controls=teacher_hidden, autoplay=autoplay, at=at)
            st.code(url, language=None, wrap_lines=True)
            st.caption("Copy it with the icon at the box's right. Opened anywhere, it gives the "
                       "same data and the same starting weights." if st.context.url else
                       "Add this to the app's address.")
            problem = links.unshareable(state.config(scope, default=base))
            if problem:
                st.info(problem)
