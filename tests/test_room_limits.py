"""One person creates at most 10 rooms in any 24 hours."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import Room

pytestmark = pytest.mark.django_db

REFUSAL = "You can create at most 10 rooms a day"


def page_text(response) -> str:
    """The page as a person reads it (Django writes "15 minutes" with a no-break space)."""
    return response.content.decode().replace("\xa0", " ")


def create(client, title: str):
    return client.post("/rooms/new/", {"title": title, "slug": ""})


def test_the_11th_room_in_a_day_is_refused_with_429(client, alice, bob):
    client.force_login(alice)
    for number in range(10):
        assert create(client, f"Room {number}").status_code == 302

    refused = create(client, "One too many")

    assert refused.status_code == 429
    assert REFUSAL in page_text(refused)
    assert refused.context["form"].non_field_errors()
    assert not Room.objects.filter(title="One too many").exists()
    client.force_login(bob)
    assert create(client, "Bob's room").status_code == 302


def test_rooms_older_than_a_day_do_not_count(client, alice):
    client.force_login(alice)
    for number in range(10):
        create(client, f"Yesterday {number}")
    Room.objects.filter(creator=alice).update(created=timezone.now() - timedelta(hours=25))

    for number in range(10):
        assert create(client, f"Today {number}").status_code == 302
    assert create(client, "Today 10").status_code == 429


def test_the_limit_is_a_setting_and_the_refusal_speaks_chinese(client, alice, settings):
    settings.CHAT_ROOMS_PER_USER_PER_DAY = 1
    client.force_login(alice)
    create(client, "Mine")

    refused = client.post(
        "/rooms/new/", {"title": "Another", "slug": ""}, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert refused.status_code == 429
    assert "每天最多只能创建 1 个房间" in page_text(refused)
