"""A burst of arrivals reaches the old page as one frame naming who came, with the list as
it is after the burst: not one frame per arrival each carrying the whole list."""

import asyncio
import json

import pytest
from django.utils import translation

from chat.legacy.retold import names_text
from tests.legacy_sockets import logged_in, names

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_burst_of_logins_is_one_frame_naming_who_came(lobby, settings):
    settings.CHAT_PRESENCE_BATCH_SECONDS = 0.3
    watcher, _ = await logged_in("watcher")
    crowd = [f"arrival{n}" for n in range(6)]

    arrived = await asyncio.gather(*(logged_in(name) for name in crowd))

    frames = []
    while not frames or len(names(frames[-1])) < 7:
        frames.append(json.loads(await watcher.receive_from(timeout=3)))
    assert [frame["type"] for frame in frames] == ["login"] * len(frames)
    assert len(frames) <= 2, "the first arrival at once, the rest as one burst"
    assert sorted(names(frames[-1])) == sorted(["watcher", *crowd])
    if len(frames) == 2:
        assert " and " in frames[-1]["msg"]
    for socket, _ in arrived:
        await socket.disconnect()
    await watcher.disconnect()


# The thread's language is whatever the last test client request left active (Django's
# LocaleMiddleware activates each request's and leaves it): this test says its own.
@translation.override("en")
def test_a_bursts_names_read_as_a_sentence_in_both_languages():
    assert names_text(["ann"]) == "ann"
    assert names_text(["ann", "bo"]) == "ann and bo"
    assert names_text(["ann", "bo", "cy"]) == "ann, bo and cy"
    assert names_text(["ann", "bo", "cy", "di"]) == "ann, bo, cy and 1 other"
    assert names_text(["ann", "bo", "cy", "di", "ed"]) == "ann, bo, cy and 2 others"
    with translation.override("zh-hans"):
        assert names_text(["ann", "bo", "cy", "di", "ed"]) == "ann, bo, cy 等 2 人"
