"""Lessons: short guided set-ups, one idea of training each; challenges with an automatic check."""

import streamlit as st

from playground.lessons import CHALLENGES, LESSONS
from playground.ui import lessons, state

st.title("Lessons and challenges")
st.caption("Each lesson is one idea about how a network learns, set up in one click: read, load "
           "a preset, press Play, and think about the question. The challenges ask for a goal "
           "under some rules and check your run for you.")

# The open tab, kept across visits to other pages: a tab's own state is dropped with the page,
# and tabs have no persist_state; a callback copies it to a key of ours, the default reads it.
TAB, LAST_TAB = "lessons.tab", "lessons.last_tab"
labels = [f"Lessons ({len(LESSONS)})", f"Challenges ({len(CHALLENGES)})"]


def _remember_tab():
    state.set_value(LAST_TAB, state.value(TAB))


last = state.value(LAST_TAB)
tab_lessons, tab_challenges = st.tabs(labels, key=TAB, on_change=_remember_tab,
                                      default=last if last in labels else None)
with tab_lessons:
    for number, lesson in enumerate(LESSONS, 1):
        lessons.lesson_card(number, lesson)
with tab_challenges:
    for challenge in CHALLENGES:
        lessons.challenge_card(challenge)
