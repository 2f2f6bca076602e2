"""bench/st_client.py, the browserless Streamlit client the classroom benchmark drives.

The first tests feed it ForwardMsgs built by hand and read back the BackMsgs it would send
(no server). The last one (marked browser: it starts a server) has one simulated student play,
pause and step on the real Train page.
"""

import asyncio

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import st_client
from bench.st_client import Session


class FakeSocket:
    """Collects what the client sends, decoded."""

    def __init__(self):
        self.sent = []

    async def send(self, data):
        msg = BackMsg()
        msg.ParseFromString(data)
        self.sent.append(msg)


def offline_session(query="epochs=100000") -> Session:
    session = Session("http://127.0.0.1:1", query)
    session._ws = FakeSocket()
    return session


def new_session(page_hash="page1", fragments=()) -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = page_hash
    msg.new_session.initialize.session_id = "sid-1"
    msg.metadata.run.fragment_ids.extend(fragments)
    return msg


def element(kind: str, **fields) -> ForwardMsg:
    msg = ForwardMsg()
    body = getattr(msg.delta.new_element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(body, name).extend(value)
        else:
            setattr(body, name, value)
    return msg


def test_user_keys_come_from_element_ids():
    assert st_client.user_key("$$ID-0123abcd-train.play") == "train.play"
    assert st_client.user_key("$$ID-0123abcd-live_chart:train.boundary") == \
        "live_chart:train.boundary"
    assert st_client.user_key("$$ID-0123abcd-a-key-with-dashes") == "a-key-with-dashes"
    assert st_client.user_key("") == ""
    assert st_client.stream_url("http://127.0.0.1:8501") == "ws://127.0.0.1:8501/_stcore/stream"
    assert st_client.stream_url("https://host/app/") == "wss://host/app/_stcore/stream"


def test_a_page_is_read_and_a_click_is_one_trigger():
    async def scenario():
        s = offline_session()
        s._handle(new_session())
        s._handle(element("button", id="$$ID-aa-train.play", label="Play"))
        s._handle(element("slider", id="$$ID-bb-train.speed", label="Speed",
                          options=["1 epoch / frame", "As fast as it goes"]))
        s._handle(element("markdown", body="**Epoch 1,234**  ·  playing"))
        chart = element("bidi_component", id="$$ID-cc-live_chart:train.boundary")
        s._handle(chart)
        s._handle(chart)
        info = ForwardMsg()
        info.page_info_changed.query_string = "epochs=100000&lr=0.3"
        s._handle(info)
        await s.choose("train.speed", "As fast as it goes")
        await s.click("train.play")
        with pytest.raises(ValueError):
            await s.choose("train.speed", "no such speed")
        return s

    s = asyncio.run(scenario())
    assert s.stats.epoch == 1234
    assert s.stats.frames["train.boundary"] == 2
    assert s.session_id == "sid-1"
    choose, click = s._ws.sent
    for sent in (choose, click):  # every rerun: the page, the URL the app wrote, the speed set
        rerun = sent.rerun_script
        assert rerun.page_script_hash == "page1"
        assert rerun.query_string == "epochs=100000&lr=0.3"
        assert not rerun.fragment_id and not rerun.is_auto_rerun
        speed = [w for w in rerun.widget_states.widgets if w.id == "$$ID-bb-train.speed"]
        assert list(speed[0].string_array_value.data) == ["As fast as it goes"]
    triggers = [w.id for w in click.rerun_script.widget_states.widgets
                if w.WhichOneof("value") == "trigger_value"]
    assert triggers == ["$$ID-aa-train.play"]
    assert not any(w.WhichOneof("value") == "trigger_value"
                   for w in choose.rerun_script.widget_states.widgets)


def test_cached_messages_are_reported_and_references_resolved():
    s = offline_session()
    s._handle(new_session())
    big = element("markdown", body="**Epoch 7**")
    big.hash, big.metadata.cacheable = "h1", True
    s._handle(big)
    s.stats.epoch = None
    ref = ForwardMsg()
    ref.ref_hash = "h1"
    s._handle(ref)  # the server sends a reference only for hashes the client reported
    assert s.stats.epoch == 7
    asyncio.run(s.rerun())
    assert list(s._ws.sent[-1].rerun_script.cached_message_hashes) == ["h1"]
    missing = ForwardMsg()
    missing.ref_hash = "unknown"
    s._handle(missing)
    assert s.stats.errors


def test_a_fragment_timer_sends_auto_reruns_until_a_full_run_starts():
    async def scenario():
        s = offline_session()
        s._handle(new_session())
        timer = ForwardMsg()
        timer.auto_rerun.interval = 0.01
        timer.auto_rerun.fragment_id = "frag-1"
        s._handle(timer)
        await s.wait_for(lambda: len(s._ws.sent) >= 3, timeout=10)
        s._handle(new_session())  # a full run: the browser clears its timers
        stopped_at = len(s._ws.sent)
        for _ in range(5):
            await asyncio.sleep(0.02)
        return s, stopped_at

    s, stopped_at = asyncio.run(scenario())
    assert len(s._ws.sent) <= stopped_at + 1  # at most one already on its way
    for sent in s._ws.sent:
        assert sent.rerun_script.fragment_id == "frag-1"
        assert sent.rerun_script.is_auto_rerun


@pytest.mark.browser
def test_one_simulated_student_plays_pauses_and_steps_on_the_train_page():
    from bench import bench_classroom as bench

    async def student(url):
        async with Session(url, "epochs=100000") as s:
            await s.run_page(60)
            assert {"train.play", "train.speed", "train.step", "train.w.lr"} <= set(s.widgets)
            before = s.stats.full_runs_finished
            await s.choose("train.speed", "As fast as it goes")
            await s.wait_for(lambda: s.stats.full_runs_finished > before, 60)
            await s.click("train.play")
            await s.wait_for(lambda: "train.pause" in s.widgets, 60)
            frames = s.stats.frames["train.boundary"]
            await s.wait_for(lambda: (s.stats.epoch or 0) > 50
                             and s.stats.frames["train.boundary"] >= frames + 3, 60)
            await s.choose("train.w.lr", "0.3")  # a change while playing keeps it playing
            shown = s.widgets["train.pause"].seen
            await s.wait_for(lambda: s.widgets["train.pause"].seen > shown, 60)
            paused = s.widgets["train.play"].seen
            await s.click("train.pause")
            await s.wait_for(lambda: s.widgets["train.play"].seen > paused, 60)
            stopped = s.stats.epoch
            await s.click("train.step")
            await s.wait_for(lambda: s.stats.epoch != stopped, 60)
            assert s.stats.epoch == stopped + 1
            assert s.stats.closes == 0 and not s.stats.errors
            return s.stats

    with bench.server() as (url, _pid):
        stats = asyncio.run(student(url))
    assert stats.epoch > 50
