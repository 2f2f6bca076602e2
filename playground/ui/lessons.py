"""Lesson cards that load a preset in one click, and challenges checked against the live run.

A preset loads into the settings of its page's scope (the Train page's, or the cats-and-dogs
page's), starts a fresh run (epoch 0, the preset's seeds) and switches to that page. Starting a
challenge does the same with the challenge's start and marks it active; the Train page then
shows its rules, met or not, with the numbers (``challenge_status``).

Left out: keeping score across sessions (there are no accounts) and hiding the solution from a
determined student (the tests hold it; the page only gives a hint).
"""

from __future__ import annotations

import streamlit as st

from playground.lessons import CHALLENGE_KEYS, LESSONS, Challenge, Lesson, Preset
from playground.scopes import SCOPES
from playground.ui import controls, state

ACTIVE = "challenge"  # per-scope state: the key of the challenge being worked on
LESSON = "lesson"  # per-scope state: (lesson key, preset label) last loaded into the scope
MET, NOT_MET = ":green[:material/check_circle:]", ":red[:material/cancel:]"


def _load(scope: str, cfg, challenge: str | None = None, lesson: tuple | None = None) -> None:
    controls.load(cfg, scope)
    state.reset_run(scope)
    state.put("train", ACTIVE, challenge)
    # One guide at a time on a page: a challenge replaces the Train page's lesson and back.
    state.put("train", LESSON, None)
    state.put(scope, LESSON, lesson)
    st.switch_page(SCOPES[scope].page)


def lesson_card(number: int, lesson: Lesson) -> None:
    """One lesson: its idea, text, question, and a button per preset."""
    with st.container(border=True):
        st.subheader(f"{number}. {lesson.title}", anchor=False)
        st.markdown(f"**{lesson.idea}** {lesson.text}")
        st.markdown(f"**Question:** *{lesson.question}*")
        where = "the cats-and-dogs page" if lesson.page == "catdog" else "the Train page"
        cols = st.columns(len(lesson.presets))
        for col, preset in zip(cols, lesson.presets):
            if col.button(preset.label, key=f"lesson.{lesson.key}.{preset.label}",
                          width="stretch", help=f"Load these settings into {where}."):
                _load(lesson.page, preset.config, lesson=(lesson.key, preset.label))


def lesson_status(scope: str) -> None:
    """The loaded lesson's question, on the page its preset loaded into, with its presets.

    Stays while the learner trains and changes settings (the question is what they are
    working on), until "Leave it" or another lesson or challenge is loaded.
    """
    loaded = state.get(scope, LESSON)
    found = [(n, lesson) for n, lesson in enumerate(LESSONS, 1)
             if loaded and lesson.key == loaded[0]]
    if not found:
        return
    number, lesson = found[0]
    with st.container(border=True):
        st.markdown(f"**Lesson {number}: {lesson.title}.** **Question:** *{lesson.question}*")
        # One row: the lesson's presets (the loaded one highlighted), then Leave it.
        presets = lesson.presets if len(lesson.presets) > 1 else ()
        cols = st.columns([*(2 for _ in presets), 1], vertical_alignment="center")
        for col, preset in zip(cols, presets):
            _preset_button(col, scope, lesson, preset, loaded[1])
        cols[-1].button("Leave it", key=f"{scope}.lesson.leave", width="stretch",
                        on_click=state.put, args=(scope, LESSON, None))


def _preset_button(col, scope: str, lesson: Lesson, preset: Preset, loaded: str) -> None:
    # The loaded one gets a tick, not the primary colour, which is Play's.
    if col.button(preset.label, key=f"{scope}.lesson.{preset.label}", width="stretch",
                  icon=":material/check:" if preset.label == loaded else None,
                  help="Load this preset: a fresh run at epoch 0."):
        _load(scope, preset.config, lesson=(lesson.key, preset.label))


def challenge_card(challenge: Challenge) -> None:
    """One challenge: the goal and rules, a start button, a hint; the checks if it is active."""
    active = state.get("train", ACTIVE) == challenge.key
    with st.container(border=True):
        st.subheader(("▶ " if active else "") + challenge.title, anchor=False)
        st.markdown(challenge.text)
        if active:
            checks(challenge, state.current_run("train").trainer)
        else:
            st.markdown("\n".join(f"- {rule.text}" for rule in challenge.rules))
        left, right = st.columns([1, 2], vertical_alignment="center")
        label = "Start again" if active else "Start this challenge"
        if left.button(label, key=f"challenge.{challenge.key}", type="primary", width="stretch",
                       help="Loads the starting settings into the Train page, at epoch 0."):
            _load("train", challenge.start, challenge.key)
        with right.expander("Hint"):
            st.markdown(challenge.hint)


def checks(challenge: Challenge, trainer) -> bool:
    """Each rule as met or not, with the number seen; returns whether all are met."""
    results = challenge.check(trainer)
    met = all(c.met for c in results)
    # Material icons ship with Streamlit; emoji may be missing on a classroom PC.
    lines = [f"{MET if c.met else NOT_MET} {c.rule}: **{c.seen}**" for c in results]
    (st.success if met else st.info)(
        ("**Solved!** " if met else f"At epoch {trainer.epoch}: ") + "  \n".join(lines))
    return met


def challenge_status(scope: str = "train") -> None:
    """The active challenge's goal and checks (or the loaded lesson's question), above the
    Train page's timeline.

    Checked on each full run of the page: when training pauses or stops, and after a Step.
    """
    lesson_status(scope)
    key = state.get(scope, ACTIVE)
    if key not in CHALLENGE_KEYS:
        return
    challenge = CHALLENGE_KEYS[key]
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**Challenge: {challenge.title}.** {challenge.text}")
        right.button("Leave it", key=f"{scope}.challenge.leave", width="stretch",
                     on_click=state.put, args=(scope, ACTIVE, None))
        checks(challenge, state.current_run(scope).trainer)
        st.caption("Checked whenever training pauses or stops.")
