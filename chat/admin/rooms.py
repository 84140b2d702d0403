"""Rooms in the admin: their moderators and rules. A change of rules reaches the room's
open pages at once, and both are written to the audit log, as the page's own changes are."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from chat.models import ModerationAction, Room
from chat.moderation.audit import audit_record
from chat.moderation.live import rules_announce, rules_payload
from chat.moderation.rules import SLOW_MODE_MAX_SECONDS

RULE_FIELDS = ["slow_mode_seconds", "read_only", "guests_read_only", "guest_images"]


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["title", "slug", "creator", "moderators", *RULE_FIELDS]

    def clean_slow_mode_seconds(self):
        seconds = self.cleaned_data["slow_mode_seconds"]
        if seconds > SLOW_MODE_MAX_SECONDS:
            raise forms.ValidationError(
                _("At most %(max)d seconds.") % {"max": SLOW_MODE_MAX_SECONDS}, code="max_value"
            )
        return seconds


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    form = RoomForm
    list_display = ["title", "slug", "kind", "creator", "created", "message_count", *RULE_FIELDS]
    list_filter = ["kind", "read_only", "guests_read_only"]
    # Who may read a room changes on its page (chat/access/), which closes the pages of
    # people let out; here it is only shown.
    readonly_fields = ["kind"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    # Raw ids, not a two-list picker: every guest is a user, so the picker would list
    # thousands of names.
    raw_id_fields = ["creator", "moderators"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "creator", "moderators"]}),
        (_("Rules"), {"fields": RULE_FIELDS}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    @admin.display(description=_("messages"), ordering="message_count")
    def message_count(self, room: Room) -> int:
        return room.message_count

    def save_model(self, request, obj: Room, form, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and set(RULE_FIELDS) & set(form.changed_data):
                audit_record(
                    actor=request.user,
                    action=ModerationAction.RULES,
                    room=obj,
                    detail=rules_payload(obj),
                )
                rules_announce(room=obj)

    def save_related(self, request, form, formsets, change: bool) -> None:
        """Naming and removing moderators goes to the audit log."""
        room = form.instance
        before = set(room.moderators.values_list("pk", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(room.moderators.values_list("pk", flat=True))
        users = get_user_model().objects.in_bulk(before ^ after)
        for pk in sorted(after - before):
            audit_record(
                actor=request.user,
                action=ModerationAction.MODERATOR_ADD,
                room=room,
                target=users[pk],
            )
        for pk in sorted(before - after):
            audit_record(
                actor=request.user,
                action=ModerationAction.MODERATOR_REMOVE,
                room=room,
                target=users[pk],
            )
