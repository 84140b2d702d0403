"""chat/infra/database.py: a socket's database calls skip Django's health check (a ``SELECT 1``
before the first query) on a connection that answered a moment ago, and keep it otherwise."""

import pytest
from django.db import connections

from chat.infra import database
from chat.infra.database import database_sync_to_async
from chat.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch):
    # As in production: connections kept between calls (the suite may close them each time).
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 60)
    seen = []
    wrapper = type(connections["default"])
    real = wrapper.is_usable

    def counted(self):
        seen.append(self.alias)
        return real(self)

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return seen


@database_sync_to_async
def rooms() -> int:
    return Room.objects.count()


async def test_calls_in_quick_succession_are_not_checked_again(checks):
    assert connections["default"].settings_dict["CONN_HEALTH_CHECKS"] is True
    await rooms()
    before = len(checks)

    for _ in range(3):
        await rooms()

    assert len(checks) == before, "no SELECT 1 before each call"


async def test_a_connection_idle_for_longer_is_checked_before_use(checks, monkeypatch):
    await rooms()
    monkeypatch.setattr(database, "RECENT_SECONDS", 0.0)
    before = len(checks)

    await rooms()
    await rooms()

    assert len(checks) == before + 2
