"""The profile page (/accounts/profile/): avatar, display name, language, an account's e-mail
and password; a guest is offered a password instead. Password reset by e-mail."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation

from chat import identity
from chat.names import name_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request's LocaleMiddleware leaves its language active in this thread: put English
    back, so that later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


PASSWORD = "correct horse battery"  # tests/factories.py
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


@pytest.fixture
def guest(client):
    user = identity.guest_create(nickname="drifter", avatar="a2")
    client.force_login(user)
    return user


@pytest.fixture
def account(client):
    user = identity.account_create(username="writer", password=PASSWORD, avatar="a3")
    client.force_login(user)
    return user


def save(client, **fields):
    return client.post("/accounts/profile/", fields)


def test_the_page_needs_a_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/join/")


def test_the_header_links_to_the_profile(client, guest):
    page = client.get("/").content.decode()
    assert 'href="/accounts/profile/"' in page


def test_the_page_shows_the_current_name_and_avatar(client, account):
    response = client.get("/accounts/profile/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="writer"' in page
    assert re.search(r'value="a3"[^>]*checked|checked[^>]*value="a3"', page)
    for number in range(1, 13):
        assert f"avatars/a{number}.svg" in page


def test_a_guest_changes_avatar_and_name(client, guest):
    response = save(client, nickname="新名字", avatar="a11")

    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    guest.refresh_from_db()
    assert guest.username == "新名字"
    assert guest.profile.avatar == "a11"
    assert guest.profile.name_key == name_key("新名字")
    assert "Your profile is saved." in client.get("/accounts/profile/").content.decode()


def test_a_taken_name_is_refused_and_nothing_changes(client, guest, alice):
    response = save(client, nickname="ALICE", avatar="a11")

    assert response.status_code == 200
    assert "is taken" in response.content.decode()
    guest.refresh_from_db()
    assert (guest.username, guest.profile.avatar) == ("drifter", "a2")


def test_a_look_alike_name_is_refused(client, guest, alice):
    response = save(client, nickname="\u0430lice", avatar="a2")
    assert "nickname" in response.context["form"].errors


def test_a_name_with_symbols_is_refused_as_at_join(client, guest):
    response = save(client, nickname="<b>", avatar="a2")
    assert "nickname" in response.context["form"].errors


def test_a_guest_has_no_email_field_and_is_offered_a_password(client, guest):
    response = client.get("/accounts/profile/")
    page = response.content.decode()
    assert "email" not in response.context["form"].fields
    assert 'href="/accounts/upgrade/"' in page
    assert "/accounts/password/change/" not in page


def test_an_account_sets_its_email_and_may_change_its_password(client, account):
    page = client.get("/accounts/profile/").content.decode()
    assert 'name="email"' in page
    assert 'href="/accounts/password/change/"' in page

    save(client, nickname="writer", avatar="a3", email="writer@example.com")
    account.refresh_from_db()
    assert account.email == "writer@example.com"


def test_the_page_offers_the_languages(client, guest):
    page = client.get("/accounts/profile/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'value="zh-hans"' in page and 'name="next" value="/accounts/profile/"' in page


def test_the_page_speaks_chinese(client, account):
    page = client.get("/accounts/profile/", **ZH).content.decode()
    assert "个人资料" in page and "电子邮箱" in page


def test_password_change(client, account):
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long phrase",
            "new_password2": "another long phrase",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("another long phrase")
    assert client.get("/accounts/profile/").status_code == 200  # still logged in


def test_a_guest_asking_to_change_a_password_is_sent_to_set_one(client, guest):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/upgrade/"


def test_the_login_page_offers_a_reset(client):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()


def test_a_reset_mail_leads_to_a_new_password(client):
    user = UserFactory(username="forgetful", email="forgetful@example.com")
    assert client.get("/accounts/password/reset/").status_code == 200

    response = client.post("/accounts/password/reset/", {"email": "FORGETFUL@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.com"]
    assert "forgetful" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    url = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(
        url, {"new_password1": "a fresh long phrase", "new_password2": "a fresh long phrase"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a fresh long phrase")
    assert client.get(done["Location"]).status_code == 200


def test_a_reset_mail_in_chinese(client):
    UserFactory(username="忘记了", email="wang@example.com")
    client.post("/accounts/password/reset/", {"email": "wang@example.com"}, **ZH)
    assert "密码" in mail.outbox[0].subject and "忘记了" in mail.outbox[0].body


def test_no_mail_for_a_guest_or_an_unknown_address(client):
    guest = identity.guest_create(nickname="ghost")
    get_user_model().objects.filter(pk=guest.pk).update(email="ghost@example.com")
    client.post("/accounts/password/reset/", {"email": "ghost@example.com"})
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert mail.outbox == []


def test_the_reset_pages_use_the_sites_look(client):
    for url in ("/accounts/password/reset/", "/accounts/password/reset/done/"):
        page = client.get(url).content.decode()
        assert "chat/pages.css" in page and "site-header" in page
