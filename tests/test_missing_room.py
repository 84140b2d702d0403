"""A room that does not exist is a 404 page, in the reader's language, before anyone is asked
to log in; an existing room still sends a stranger to join first."""

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request's LocaleMiddleware leaves its language active in this thread: put English
    back, so that later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_stranger_asking_for_a_missing_room_gets_a_friendly_404(client):
    response = client.get("/chat/no-such-room/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "no-such-room" in page
    assert 'href="/"' in page  # a way back to the rooms


def test_the_404_page_speaks_chinese(client):
    response = client.get("/chat/no-such-room/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert response.status_code == 404
    assert "找不到" in response.content.decode()


def test_a_member_asking_for_a_missing_room_gets_it_too(client, user):
    client.force_login(user)
    assert client.get("/chat/no-such-room/").status_code == 404


def test_an_existing_room_still_asks_a_stranger_to_join(client, lobby):
    response = client.get("/chat/lobby/")

    assert response.status_code == 302
    assert response["Location"] == "/join/?next=/chat/lobby/"


def test_any_other_missing_page_is_the_same_friendly_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
