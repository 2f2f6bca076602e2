"""Lessons: short guided set-ups, one idea of training each; challenges with an automatic check."""

import streamlit as st

from playground.lessons import CHALLENGES, LESSONS
from playground.ui import lessons

st.title("Lessons and challenges")
st.caption("Each lesson is one idea about how a network learns, set up in one click: read, load "
           "a preset, press Play, and think about the question. The challenges ask for a goal "
           "under some rules and check your run for you.")

tab_lessons, tab_challenges = st.tabs([f"Lessons ({len(LESSONS)})",
                                       f"Challenges ({len(CHALLENGES)})"])
with tab_lessons:
    for number, lesson in enumerate(LESSONS, 1):
        lessons.lesson_card(number, lesson)
with tab_challenges:
    for challenge in CHALLENGES:
        lessons.challenge_card(challenge)
