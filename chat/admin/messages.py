"""Messages in the admin: read, removed as a moderator removes them, approved when held,
or purged for good; every open page of the room is told."""

from django.contrib import admin
from django.contrib.messages import ERROR, WARNING
from django.db import transaction
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat.models import Message, MessageRevision, ModerationAction, Reaction, Room, Upload
from chat.moderation.audit import audit_record
from chat.moderation.deletion import message_delete, messages_purge
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.held import held_approve
from chat.payloads import image_payload


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


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(ReadOnlyInline):
    """What the message said before each edit: the room sees only the latest text."""

    model = MessageRevision
    fields = ["replaced_at", "body"]
    readonly_fields = fields


class PictureInline(ReadOnlyInline):
    """The message's picture: a private room's shows only to its members, here as anywhere."""

    model = Upload
    fields = ["preview", "width", "height", "size", "content_type", "created"]
    readonly_fields = fields

    @admin.display(description=_("picture"))
    def preview(self, upload: Upload) -> str:
        payload = image_payload(upload)
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="{}" height="{}"></a>',
            payload["url"],
            payload["thumb_url"],
            min(upload.thumb_width, 240),
            round(upload.thumb_height * min(upload.thumb_width, 240) / upload.thumb_width),
        )


class ReactionInline(ReadOnlyInline):
    model = Reaction
    fields = ["emoji", "user", "created"]
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "room", "author", "created", "excerpt", "is_deleted", "held"]
    list_filter = ["room", "created", AuthorKindFilter, DeletedFilter, "held"]
    search_fields = ["body", "author__username"]
    date_hierarchy = "created"
    ordering = ["-id"]
    list_select_related = ["room", "author"]
    raw_id_fields = ["author", "reply_to"]
    inlines = [PictureInline, RevisionInline, ReactionInline]
    # Held and deleted change only through the actions, which tell open pages.
    readonly_fields = [
        "created",
        "edited_at",
        "changed_at",
        "client_msg_id",
        "held",
        "deleted_at",
        "deleted_by",
        "delete_reason",
    ]
    actions = ["remove_selected", "approve_selected"]

    def get_queryset(self, request):
        """Direct messages are their two people's: staff read one only once it is reported
        (the report's message links here)."""
        queryset = super().get_queryset(request)
        return queryset.exclude(room__kind=Room.DIRECT, reports__isnull=True)

    @admin.display(description=_("body"))
    def excerpt(self, message: Message) -> str:
        return Truncator(message.body).chars(80)

    @admin.display(description=_("deleted"), boolean=True, ordering="deleted_at")
    def is_deleted(self, message: Message) -> bool:
        return message.deleted_at is not None

    @admin.action(
        description=_("Remove selected messages (they leave every open page; kept for moderators)"),
        permissions=["change"],
    )
    def remove_selected(self, request, queryset):
        removed = refused = 0
        for message in queryset.filter(deleted_at__isnull=True).select_related("room", "author"):
            try:
                message_delete(actor=request.user, message=message)
            except NotAllowed:
                refused += 1
            else:
                removed += 1
        self.message_user(
            request,
            ngettext("Removed %(count)d message.", "Removed %(count)d messages.", removed)
            % {"count": removed},
        )
        self._refused(request, refused)

    @admin.action(description=_("Approve selected held messages"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = refused = 0
        held = list(
            queryset.filter(held=True, deleted_at__isnull=True).select_related(
                "room", "author__profile"
            )
        )
        skipped = queryset.count() - len(held)
        for message in held:
            try:
                held_approve(actor=request.user, message=message)
            except (NotAllowed, InvalidModeration):
                refused += 1
            else:
                approved += 1
        self.message_user(
            request,
            ngettext(
                "Approved %(count)d held message.", "Approved %(count)d held messages.", approved
            )
            % {"count": approved},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not held.", "%(count)d messages were not held.", skipped
                )
                % {"count": skipped},
                WARNING,
            )
        self._refused(request, refused)

    def _refused(self, request, refused: int) -> None:
        if refused:
            self.message_user(
                request,
                ngettext(
                    "You may not moderate the room of %(count)d message.",
                    "You may not moderate the rooms of %(count)d messages.",
                    refused,
                )
                % {"count": refused},
                ERROR,
            )

    # Django's own delete (the change form's Delete, the "delete selected" action) removes
    # the rows for good, and open pages take the messages off too.
    def delete_model(self, request, obj: Message) -> None:
        self.delete_queryset(request, Message.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for message in queryset.select_related("room", "author"):
                audit_record(
                    actor=request.user,
                    action=ModerationAction.DELETE,
                    room=message.room,
                    target=message.author,
                    reason=message.delete_reason,
                    detail={"purged": True, "message": message.pk},
                )
            messages_purge(messages=queryset)
