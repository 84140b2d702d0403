"""The site's name comes from CHAT_SITE_NAME: the header of every page and the admin's title
("Chat room administration" by default, 聊天室管理 in Chinese). The admin lists messages
newest first, and its body column wraps (static/admin-overrides/admin.css)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request's LocaleMiddleware leaves its language active in this thread: put English
    back, so that later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    return client


def test_the_admin_is_named_after_the_site_by_default(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Chat room administration</a>" in page
    assert "| Chat room administration</title>" in page
    assert "Django" not in page.split("<body")[1].split("</header>")[0]


def test_the_admin_title_is_a_setting(admin_client, settings):
    settings.CHAT_SITE_NAME = "Acme Talk"
    page = admin_client.get("/admin/").content.decode()
    assert "Acme Talk administration</a>" in page


def test_the_admin_title_in_chinese(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "聊天室管理</a>" in page


def test_the_pages_brand_is_the_setting(client, settings):
    settings.CHAT_SITE_NAME = "Acme Talk"
    page = client.get("/join/").content.decode()
    assert '<span class="brand-name">Acme Talk</span>' in page
    assert "· Acme Talk</title>" in page


def test_the_pages_brand_by_default_in_both_languages(client):
    assert '<span class="brand-name">Chat room</span>' in client.get("/join/").content.decode()
    chinese = client.get("/join/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<span class="brand-name">聊天室</span>' in chinese


def test_the_message_list_is_newest_first_and_loads_the_override_css(admin_client, lobby):
    first, second = MessageFactory(room=lobby), MessageFactory(room=lobby)
    response = admin_client.get("/admin/chat/message/")
    assert [message.pk for message in response.context["cl"].result_list] == [second.pk, first.pk]
    assert "admin-overrides/admin.css" in response.content.decode()
