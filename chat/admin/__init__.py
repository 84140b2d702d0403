"""The admin: the chat's rooms, messages and people (here) and moderation
(chat/admin/moderation.py). What the admin changes reaches open pages as the page's own
action does: it calls the same core functions."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chat.admin import (  # noqa: F401  (they register)
    integrations,
    messages,
    moderation,
    rooms,
    sanctions,
)
from chat.identity import nickname_taken
from chat.models import Profile
from chat.site import admin_title_lazy

User = get_user_model()

# "Chat room administration", after CHAT_SITE_NAME, in the reader's language.
admin.site.site_header = admin_title_lazy()
admin.site.site_title = admin_title_lazy()
admin.site.index_title = _("Rooms, messages and people")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "avatar", "is_guest"]
    list_filter = ["is_guest", "avatar"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


class NameKeyChecked:
    """The admin's user forms refuse a name that reads like another user's, as the join and
    sign-up forms do: otherwise the profile's unique look-alike key fails the save (a 500)."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if nickname_taken(nickname=username, user=self.instance if self.instance.pk else None):
            raise ValidationError(
                _("Another user has this name, or one that looks the same."),
                code="nickname_taken",
            )
        return username


class ChatUserChangeForm(NameKeyChecked, UserChangeForm):
    pass


class ChatUserCreationForm(NameKeyChecked, AdminUserCreationForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class ChatUserAdmin(UserAdmin):
    form = ChatUserChangeForm
    add_form = ChatUserCreationForm
