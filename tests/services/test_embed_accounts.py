"""The chat user a host site's member is: one per (integration, sub), made on the first
sign-in, renamed when the host renames them, never a local account nor another site's
member, and refused when turned off or banned site-wide however valid the token."""

import pytest
from django.contrib.auth import get_user_model

from chat import identity
from chat.embed.accounts import embed_user
from chat.embed.errors import AccountDisabled
from chat.embed.tokens import sign_in_claims
from chat.models import ExternalAccount, Room, Sanction
from chat.moderation.errors import Banned
from chat.moderation.roles import can_moderate, rooms_moderated
from chat.moderation.sanctions import sanction_give
from tests.embed import integration_create, token_for
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def integration():
    return integration_create()


def signed_in(integration, **claims):
    return embed_user(claims=sign_in_claims(token=token_for(integration, **claims)))


def test_the_first_sign_in_makes_a_member_who_is_no_guest_and_has_no_password(integration):
    user = signed_in(integration, sub="17", name="dana", avatar="a7")

    user.refresh_from_db()
    assert user.username == "dana"
    assert (user.profile.is_guest, user.profile.source, user.profile.avatar) == (
        False,
        "embed",
        "a7",
    )
    assert not user.has_usable_password()  # only the host's next token logs them in
    account = ExternalAccount.objects.get(user=user)
    assert (account.integration, account.sub, account.moderator) == (integration, "17", False)


def test_the_next_sign_in_is_the_same_user_renamed_as_the_host_renamed_them(integration):
    first = signed_in(integration, sub="17", name="dana")
    again = signed_in(integration, sub="17", name="dana")
    renamed = signed_in(integration, sub="17", name="Danielle")

    assert first == again == renamed
    renamed.refresh_from_db()
    assert renamed.username == "Danielle"
    assert not identity.nickname_taken(nickname="dana")  # the old name is free again
    assert User.objects.count() == 1


def test_a_local_accounts_name_is_never_taken_nor_its_account(integration, alice):
    user = signed_in(integration, name="alice")

    assert user != alice
    assert user.username == "alice_2"
    alice.refresh_from_db()
    assert alice.username == "alice" and alice.has_usable_password()
    assert not ExternalAccount.objects.filter(user=alice).exists()


def test_a_look_alike_of_a_taken_name_is_numbered_too(integration, alice):
    assert signed_in(integration, name="\u0430lice").username == "\u0430lice_2"  # Cyrillic а


def test_the_next_free_number_is_taken(integration, alice):
    UserFactory(username="alice_2")
    assert signed_in(integration, name="alice").username == "alice_3"


def test_a_long_name_is_shortened_to_make_room_for_its_number(integration):
    long = "n" * 32
    UserFactory(username=long)
    assert signed_in(integration, name=long).username == "n" * 30 + "_2"


def test_a_numbered_member_keeps_its_number_until_the_name_is_free(integration, alice):
    user = signed_in(integration, name="alice")
    assert signed_in(integration, name="alice").username == "alice_2"  # no churn

    alice.username = "alicia"
    alice.save()
    user = signed_in(integration, name="alice")
    assert user.username == "alice"


def test_a_rename_to_a_taken_name_is_numbered(integration, bob):
    signed_in(integration, name="dana")
    assert signed_in(integration, name="bob").username == "bob_2"
    bob.refresh_from_db()
    assert bob.username == "bob"


def test_the_same_sub_on_two_integrations_is_two_people(integration):
    other = integration_create("Other")
    here = signed_in(integration, sub="1", name="sam")
    there = signed_in(other, sub="1", name="sam")

    assert here != there
    assert (here.username, there.username) == ("sam", "sam_2")


def test_a_member_turned_off_in_the_admin_stays_out(integration):
    user = signed_in(integration)
    user.is_active = False
    user.save()
    with pytest.raises(AccountDisabled) as refused:
        signed_in(integration)
    assert refused.value.code == "banned"


def test_a_member_banned_from_the_site_stays_out(integration):
    user = signed_in(integration)
    staff = User.objects.create_superuser("staff", password="x" * 12)
    sanction_give(actor=staff, target=user, kind=Sanction.BAN, duration="1d", room=None)
    with pytest.raises(Banned) as refused:
        signed_in(integration, name="renamed")
    assert refused.value.code == "banned"
    user.refresh_from_db()
    assert user.username == "alice"  # nothing changed


def test_a_ban_from_one_room_does_not_stop_the_sign_in(integration, lobby):
    user = signed_in(integration)
    staff = User.objects.create_superuser("staff", password="x" * 12)
    sanction_give(actor=staff, target=user, kind=Sanction.BAN, duration="1d", room=lobby)
    assert signed_in(integration) == user  # the room's socket refuses them (docs/moderation.md)


def test_the_moderator_claim_is_ignored_unless_the_integration_allows_it(integration, lobby):
    user = signed_in(integration, moderator=True)
    assert ExternalAccount.objects.get(user=user).moderator is False
    assert not can_moderate(user=user, room=lobby)


def test_the_moderator_claim_makes_a_moderator_of_public_rooms(lobby):
    integration = integration_create(users_may_moderate=True)
    user = signed_in(integration, moderator=True)
    private = RoomFactory(kind=Room.PRIVATE)

    assert ExternalAccount.objects.get(user=user).moderator is True
    assert can_moderate(user=user, room=lobby)
    assert not can_moderate(user=user, room=private)
    assert not can_moderate(user=user, room=None)  # the whole site is staff's
    assert set(rooms_moderated(user=user)) == set(Room.objects.filter(kind=Room.PUBLIC))


def test_a_later_token_without_the_claim_takes_it_back(lobby):
    integration = integration_create(users_may_moderate=True)
    user = signed_in(integration, moderator=True)
    signed_in(integration)
    assert not can_moderate(user=user, room=lobby)


def test_an_integration_that_stops_allowing_it_takes_it_back_at_once(lobby):
    integration = integration_create(users_may_moderate=True)
    user = signed_in(integration, moderator=True)
    integration.users_may_moderate = False
    integration.save()
    assert not can_moderate(user=user, room=lobby)


def test_an_ordinary_user_costs_one_query_as_before(lobby, bob, django_assert_num_queries):
    bob = User.objects.get(pk=bob.pk)
    bob.has_perm("chat.moderate_rooms")  # permissions are cached per instance, read them now
    with django_assert_num_queries(1):
        assert not can_moderate(user=bob, room=lobby)


def test_an_avatar_key_is_worn_and_a_picture_is_kept_for_later(integration):
    user = signed_in(integration, avatar="a9")
    url = "https://host.example/17.png"
    user = signed_in(integration, avatar=url)
    assert user.profile.avatar == "a1"  # the default, until the room can show pictures
    assert ExternalAccount.objects.get(user=user).avatar_url == url

    user = signed_in(integration)  # not said: as it was
    assert ExternalAccount.objects.get(user=user).avatar_url == url
    user = signed_in(integration, avatar="a4")
    user.profile.refresh_from_db()
    assert user.profile.avatar == "a4"
    assert ExternalAccount.objects.get(user=user).avatar_url == ""
