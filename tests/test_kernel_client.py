"""The kernel client papers use (cypp_lib.kernels.ready_client_class) is ready when the kernel is:
it has replied to kernel_info and IOPub has carried that request's messages up to its "idle"
status, as jupyter_client requires, but without then waiting 0.2 s for IOPub to fall silent.
Channels here are scripted: each test lists what the kernel sends, in order."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest

from cypp_lib import kernels

SILENCE = None  # a get_msg that times out


class Channel:
    def __init__(self, messages):
        self.messages = list(messages)
        self.timeouts = []
        self.silences = 0

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        if not self.messages or self.messages[0] is SILENCE:
            if self.messages:
                self.messages.pop(0)
            self.silences += 1
            raise Empty
        return self.messages.pop(0)


def _reply(request):
    return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": request}, "content": {}}


def _status(state, request):
    return {"msg_type": "status", "parent_header": {"msg_id": request}, "content": {"execution_state": state}}


WELCOME = {"msg_type": "iopub_welcome", "parent_header": {}, "content": {}}


def _client(shell, iopub, alive=True):
    base = kernels.ready_client_class()

    class Scripted(base):
        shell_channel = Channel(shell)
        iopub_channel = Channel(iopub)
        asked: list = []
        handled = None

        def kernel_info(self):
            self.asked.append(f"k{len(self.asked) + 1}")
            return self.asked[-1]

        async def _async_is_alive(self):
            return alive

        def _handle_kernel_info_reply(self, msg):
            type(self).handled = msg

    return Scripted()


def test_ready_at_the_idle_status_of_its_kernel_info_request_without_waiting_for_silence():
    kc = _client([_reply("k1")], [_status("busy", "k1"), _status("idle", "k1"), _status("idle", "later")])
    asyncio.run(kc.wait_for_ready(timeout=5))
    assert kc.asked == ["k1"] and kc.handled == _reply("k1")
    assert kc.iopub_channel.messages == [_status("idle", "later")]  # not read: no wait for silence


def test_iopub_connecting_only_now_means_asking_again_at_once():
    # the welcome says the subscription has just arrived: k1's status messages may be lost
    kc = _client([_reply("k1"), _reply("k2")], [WELCOME, _status("busy", "k2"), _status("idle", "k2")])
    asyncio.run(kc.wait_for_ready(timeout=5))
    assert kc.asked == ["k1", "k2"] and kc.handled == _reply("k2")
    assert kc.iopub_channel.silences == 0 and kc.iopub_channel.messages == []


def test_a_silent_iopub_means_asking_again_after_jupyter_clients_wait():
    kc = _client([_reply("k1"), _reply("k2")], [SILENCE, _status("idle", "k2")])
    asyncio.run(kc.wait_for_ready(timeout=5))
    assert kc.asked == ["k1", "k2"]
    assert kc.iopub_channel.timeouts[0] == kernels.IOPUB_SECONDS == 0.2


def test_messages_of_an_earlier_request_are_not_taken_for_this_ones():
    # k1's reply was missed on the shell channel; its idle status arrives while k2 is awaited
    kc = _client([SILENCE, _reply("k2")], [_status("idle", "k1"), _status("busy", "k2"), _status("idle", "k2")])
    asyncio.run(kc.wait_for_ready(timeout=5))
    assert kc.asked == ["k1", "k2"] and kc.iopub_channel.messages == []


def test_a_kernel_that_dies_before_replying_is_reported():
    kc = _client([SILENCE], [], alive=False)
    with pytest.raises(RuntimeError, match="died before replying"):
        asyncio.run(kc.wait_for_ready(timeout=5))


def test_a_kernel_that_never_replies_times_out():
    kc = _client([SILENCE] * 1000, [])
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        asyncio.run(kc.wait_for_ready(timeout=0.01))
