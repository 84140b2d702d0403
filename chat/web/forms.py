from django import forms
from django.contrib.auth.forms import SetPasswordForm, UserCreationForm
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from chat.avatars import AVATAR_CHOICES, DEFAULT_AVATAR
from chat.identity import NICKNAME_MAX_LENGTH, User, guest_name_suggest, nickname_taken
from chat.models import Room


class AvatarField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(
            choices=AVATAR_CHOICES, initial=DEFAULT_AVATAR, label=_("Avatar"), **kwargs
        )


class GuestJoinForm(forms.Form):
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=NICKNAME_MAX_LENGTH,
        validators=[User.username_validator],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    avatar = AvatarField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("nickname", guest_name_suggest())

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        if nickname_taken(nickname=nickname):
            raise forms.ValidationError(
                _("The nickname “%(nickname)s” is taken. Please choose another one."),
                code="nickname_taken",
                params={"nickname": nickname},
            )
        return nickname


class SignupForm(UserCreationForm):
    avatar = AvatarField()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)


class GuestUpgradeForm(SetPasswordForm):
    """A guest picks a password and becomes a registered account, keeping its name."""


class RoomCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
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
