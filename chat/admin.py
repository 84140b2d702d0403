from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from chat.identity import nickname_taken
from chat.models import Message, Profile, Room

User = get_user_model()


class AuthorKindFilter(admin.SimpleListFilter):
    title = _("author kind")
    parameter_name = "author_kind"

    def lookups(self, request, model_admin):
        return [("guest", _("Guest")), ("registered", _("Registered"))]

    def queryset(self, request, queryset):
        if self.value() == "guest":
            return queryset.filter(author__profile__is_guest=True)
        if self.value() == "registered":
            return queryset.filter(author__profile__is_guest=False)
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "room", "author", "created", "excerpt"]
    list_filter = ["room", "created", AuthorKindFilter]
    search_fields = ["body", "author__username"]
    date_hierarchy = "created"
    list_select_related = ["room", "author"]
    raw_id_fields = ["author"]
    readonly_fields = ["created", "client_msg_id"]

    @admin.display(description=_("body"))
    def excerpt(self, message: Message) -> str:
        return Truncator(message.body).chars(80)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "creator", "created", "message_count"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["creator"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    @admin.display(description=_("messages"), ordering="message_count")
    def message_count(self, room: Room) -> int:
        return room.message_count


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
