from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UserCreationForm
from django.core.validators import validate_slug
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chat import proof_of_work
from chat.avatars import AVATAR_CHOICES, DEFAULT_AVATAR
from chat.identity import (
    NICKNAME_MAX_LENGTH,
    NameLooksTaken,
    User,
    guest_name_suggest,
    nickname_taken,
    nickname_validate,
)
from chat.models import Room
from chat.names import visible_validate

NICKNAME_TAKEN = _("The nickname “%(nickname)s” is taken. Please choose another one.")
# What a nickname may hold, said once beside the field; an error names what is wrong instead.
NICKNAME_HELP = format_lazy(
    _("Up to {count} characters: letters in any language, digits, and @ . + - _."),
    count=NICKNAME_MAX_LENGTH,
)


def nickname_taken_error(nickname: str) -> forms.ValidationError:
    return forms.ValidationError(
        NICKNAME_TAKEN, code="nickname_taken", params={"nickname": nickname}
    )


class AvatarField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(
            choices=AVATAR_CHOICES, initial=DEFAULT_AVATAR, label=_("Avatar"), **kwargs
        )


def nickname_field(**attrs: str) -> forms.CharField:
    return forms.CharField(
        label=_("Nickname"),
        max_length=NICKNAME_MAX_LENGTH,
        validators=[nickname_validate],
        help_text=NICKNAME_HELP,
        widget=forms.TextInput(attrs={"autocapitalize": "none", **attrs}),
    )


class GuestJoinForm(forms.Form):
    nickname = nickname_field()
    avatar = AvatarField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("nickname", guest_name_suggest())
        if settings.CHAT_GUEST_PROOF_OF_WORK:
            # Filled in by the ALTCHA widget (templates/chat/join.html), not typed.
            self.fields["altcha"] = forms.CharField(
                label=_("Proof of work"),
                error_messages={
                    "required": _("Tick “I'm not a robot” and wait a moment before you enter.")
                },
            )

    @property
    def proof_of_work(self) -> bool:
        return "altcha" in self.fields

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        if nickname_taken(nickname=nickname):  # or a look-alike of it (chat/names.py)
            raise nickname_taken_error(nickname)
        return nickname

    def clean_altcha(self):
        payload = self.cleaned_data["altcha"]
        if not proof_of_work.solution_check(payload=payload):
            raise forms.ValidationError(
                _("That check did not work out or has expired. Please tick the box again."),
                code="proof_of_work",
            )
        return payload


class SignupForm(UserCreationForm):
    avatar = AvatarField()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)

    # A nickname as at /join/, not Django's 150-character username.
    username = nickname_field(autocomplete="username")

    def clean_username(self):
        # Django's own check (the same name in another case) first; it reports by itself.
        username = super().clean_username()
        if username is None:
            return None
        visible_validate(username)
        if nickname_taken(nickname=username):  # or a look-alike of it (chat/names.py)
            raise nickname_taken_error(username)
        return username


class LoginForm(AuthenticationForm):
    """Django's login form, speaking of nicknames, which are not case-sensitive: the name
    finds its account in any case (chat/web/login.py); only the password must match exactly."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That nickname and password do not match an account. Check the password: "
            "capitals matter there, but not in the nickname."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nickname")


class GuestUpgradeForm(SetPasswordForm):
    """A guest picks a password and becomes a registered account, keeping its name."""

    def clean(self):
        # A name that already looked like someone else's may not become an account's
        # (identity.guest_upgrade says the same).
        if nickname_taken(nickname=self.user.get_username(), user=self.user):
            raise forms.ValidationError(NameLooksTaken.detail, code="nickname_taken")
        return super().clean()


class ProfileForm(forms.Form):
    """The profile page: the name and avatar as at /join/, and an account's e-mail address
    (a guest has no password to reset, so no address)."""

    nickname = nickname_field()
    avatar = AvatarField()
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Only for resetting a forgotten password. Nobody else sees it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        kwargs.setdefault(
            "initial",
            {"nickname": user.get_username(), "avatar": user.profile.avatar, "email": user.email},
        )
        super().__init__(*args, **kwargs)
        if user.profile.is_guest:
            del self.fields["email"]

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        # Someone else's, or one that reads like it; one's own in another case is fine.
        if nickname_taken(nickname=nickname, user=self.user):
            raise nickname_taken_error(nickname)
        return nickname


class RoomCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, validators=[visible_validate])
    slug = forms.CharField(
        label=_("Address"),
        max_length=50,
        required=False,
        validators=[validate_slug],
        help_text=_("Optional: letters, digits, - and _ for the room's URL."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if slug and Room.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A room with this address exists already."))
        return slug
