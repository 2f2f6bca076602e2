"""The class scheduler: shares, the cap, page loads first, no waiting forever.

The decisions are driven by a fake clock in a small event simulation (no timing assertions:
turns and seconds granted are counted); one test runs real threads to check that no two turns
ever overlap.
"""

import threading

import pytest

from playground.scheduler import Scheduler


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def simulate(n_players, seconds=20.0, draw=0.02, browser=0.1, step=0.001, **kwargs):
    """Players ask for a turn, train the slice, draw, and ask again after the browser's pause.

    Returns (scheduler, trained seconds per player, frames per player, busy seconds in turns).
    """
    clock = FakeClock()
    sched = Scheduler(clock=clock, **kwargs)
    ready_at = [0.0] * n_players  # when each player's browser asks next
    in_turn = None  # (player, ends at, trained)
    trained, frames = [0.0] * n_players, [0] * n_players
    busy = 0.0
    while clock.now < seconds:
        if in_turn and clock.now >= in_turn[1]:
            player, _, got = in_turn
            sched.finish(player, got + draw, got)
            trained[player] += got
            frames[player] += 1
            busy += got + draw
            ready_at[player] = clock.now + browser
            in_turn = None
        for player in range(n_players):
            if ready_at[player] is not None and clock.now >= ready_at[player]:
                sched.ask(player)
                ready_at[player] = None
        if in_turn is None and sched._queue:
            head = sched._queue[0]
            turn = sched.try_start(head)
            if turn is not None:
                in_turn = (head, clock.now + turn.seconds + draw, turn.seconds)
        clock.now += step
    return sched, trained, frames, busy


def test_one_player_alone_gets_the_full_slice_every_frame():
    sched, trained, frames, busy = simulate(1, seconds=10)
    # 0.05 s training + 0.02 drawing + 0.1 browser: about 5.9 frames a second, none refused.
    assert frames[0] == pytest.approx(10 / 0.17, rel=0.05)
    assert trained[0] == pytest.approx(frames[0] * 0.05)


@pytest.mark.parametrize("n", [2, 8, 30])
def test_players_share_evenly_and_the_turns_stay_under_the_cap(n):
    seconds = 30.0
    sched, trained, frames, busy = simulate(n, seconds=seconds, duty=0.8)
    # The cap: turns together use at most duty of the time (plus the starting credit and one
    # turn that may run over the end).
    assert busy <= 0.8 * seconds + sched.burst + 0.07
    # Fair: round robin, so the counts differ by at most one turn or so.
    assert max(frames) - min(frames) <= 2
    assert min(trained) >= 0.9 * max(trained)


def test_slices_shrink_with_more_players_but_frames_keep_coming():
    _, trained8, frames8, _ = simulate(8, seconds=20, draw=0.02)
    _, trained30, frames30, _ = simulate(30, seconds=20, draw=0.02)
    per_frame8 = sum(trained8) / sum(frames8)
    per_frame30 = sum(trained30) / sum(frames30)
    assert per_frame30 < per_frame8 < 0.05
    assert min(frames8) / 20 >= 2.0  # every one of 8 players sees two frames a second
    assert min(frames30) / 20 >= 0.9  # and of 30, about one (drawing alone costs 0.6 s/s here)


def test_the_slice_never_leaves_its_bounds():
    sched = Scheduler()
    assert sched.slice_for(1) == sched.slice_max
    assert sched.slice_for(1000) == sched.slice_min
    assert all(sched.slice_min <= sched.slice_for(n) <= sched.slice_max for n in range(1, 100))


def test_a_page_being_opened_goes_before_the_turns_of_others():
    clock = FakeClock()
    sched = Scheduler(clock=clock)
    with sched.page("newcomer"):
        sched.ask("player")
        assert sched.try_start("player") is None
        # The newcomer's own page may train (its first frame is drawn inside the page run).
        sched.ask("newcomer")
        sched.leave("player")
        assert sched.try_start("newcomer") is not None
        sched.finish("newcomer", 0.01)
    sched.ask("player")
    assert sched.try_start("player") is not None


def test_one_turn_at_a_time_in_arrival_order():
    clock = FakeClock()
    sched = Scheduler(clock=clock)
    for name in "abc":
        sched.ask(name)
    assert sched.try_start("b") is None  # not first in line
    assert sched.try_start("a") is not None
    assert sched.try_start("b") is None  # a's turn is still on
    sched.finish("a", 0.05, 0.04)
    assert sched.try_start("b") is not None


def test_the_drawing_cost_is_learnt_from_the_turns():
    sched = Scheduler()
    for _ in range(50):
        sched.ask("a")
        sched.try_start("a")
        sched.finish("a", used=0.09, trained=0.05)
    assert sched.draw_cost == pytest.approx(0.04, abs=0.002)


def test_players_who_stopped_asking_no_longer_count():
    clock = FakeClock()
    sched = Scheduler(clock=clock, idle_after=1.5)
    for name in "abcd":
        sched.ask(name)
        sched.leave(name)
    assert sched.players() == 4
    clock.now = 2.0
    assert sched.players() == 1


def test_an_interrupted_wait_gives_no_training_and_leaves_the_line():
    sched = Scheduler(wait_max=5.0)
    sched.ask("other")
    assert sched.try_start("other") is not None  # holds the turn
    with sched.turn("me", cancelled=lambda: True) as turn:
        assert turn.seconds == 0
    assert "me" not in sched._queue


def test_threads_never_share_a_turn_and_all_get_turns():
    sched = Scheduler(wait_max=2.0, duty=1.0)
    inside, overlaps = [0], [0]
    lock = threading.Lock()
    granted = {n: 0 for n in range(6)}

    def player(name):
        for _ in range(15):
            with sched.turn(name) as turn:
                if not turn.seconds:
                    continue
                with lock:
                    inside[0] += 1
                    overlaps[0] += inside[0] > 1
                granted[name] += 1
                sum(range(2000))  # a little work, holding the turn
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=player, args=(n,)) for n in granted]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert overlaps[0] == 0
    assert all(granted.values())


def test_a_page_frame_is_not_stuck_behind_the_line_that_waits_for_the_page():
    # A possible deadlock: B waits first in line; A's page runs, and A's page draws its own
    # frame. B may not go (a page runs) and A is behind B: both would wait until wait_max,
    # every time a page is opened or a button pressed.
    sched = Scheduler(clock=FakeClock())
    sched.ask("B")
    with sched.page("A") as held:
        assert held
        sched.ask("A")
        assert sched.try_start("B") is None
        assert sched.try_start("A") is not None
        sched.finish("A", 0.02)
    assert sched.try_start("B") is not None


def test_pages_run_one_at_a_time_and_before_waiting_frames():
    sched = Scheduler(clock=FakeClock())
    sched.ask("player")
    sched.ask_page("p1")
    sched.ask_page("p2")
    assert sched.try_start("player") is None  # pages wait: they go first
    assert not sched.try_page("p2")  # not first in the pages' line
    assert sched.try_page("p1")
    assert not sched.try_page("p2")  # one page at a time
    sched.end_page("p1")
    assert sched.try_page("p2")
    sched.end_page("p2")
    assert sched.try_start("player") is not None


def test_a_page_does_not_wait_for_the_frame_being_drawn_but_the_next_frame_waits_for_it():
    sched = Scheduler(clock=FakeClock())
    sched.ask("player")
    assert sched.try_start("player") is not None
    sched.ask_page("newcomer")
    assert sched.try_page("newcomer")  # a page (~30 ms) goes first, beside the frame under way
    sched.finish("player", 0.03, 0.02)
    sched.ask("player")
    assert sched.try_start("player") is None
    sched.end_page("newcomer")
    assert sched.try_start("player") is not None


def test_a_session_waiting_in_two_threads_keeps_its_place_when_one_gives_up():
    # A button press starts a new script thread while the old one stops: the old one's giving
    # up must not take the new one's page out of the line (it then waited wait_max, 5 s).
    sched = Scheduler(wait_max=3.0, poll=0.01)
    sched.ask_page("other")
    assert sched.try_page("other")  # another page runs: "me" must wait
    got = []
    new_thread = threading.Thread(target=lambda: got.append(sched.page("me").__enter__()))
    new_thread.start()
    for _ in range(500):  # until the new thread waits in line
        if "me" in sched._page_line:
            break
        threading.Event().wait(0.01)
    with sched.page("me", cancelled=lambda: True) as held:  # the old thread gives up
        assert not held
    sched.end_page("other")
    new_thread.join(timeout=10)
    assert got == [True]  # held, not given up at wait_max


def test_a_waiting_page_gives_up_when_interrupted_and_runs_unheld():
    sched = Scheduler(wait_max=5.0)
    sched.ask_page("other")
    assert sched.try_page("other")
    with sched.page("me", cancelled=lambda: True) as held:
        assert not held
    assert "me" not in sched._page_line and "me" not in sched._pages


def test_waiting_threads_are_woken_by_the_turn_before_theirs_not_by_polling():
    # poll is long (10 s): only the wake-up at the end of the turn before can let the second
    # thread in within the join's timeout.
    sched = Scheduler(wait_max=20.0, poll=10.0, duty=1.0)
    order = []
    first_in = threading.Event()

    def first():
        with sched.turn("a"):
            first_in.set()
            order.append("a")
            threading.Event().wait(0.05)

    def second():
        first_in.wait(5)
        with sched.turn("b") as turn:
            order.append(("b", turn.seconds > 0))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert order == ["a", ("b", True)]


def test_streamlit_does_not_collect_garbage_after_every_run():
    # Streamlit's default runs gc.collect(2) after every script run, fragment ticks included
    # (~0.1 s holding the interpreter lock with this app's imports): bench_classroom.py measured
    # 8 students at 208 epochs/s together with it, 897 without, health p95 2.5 s -> 0.1 s.
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit/config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
