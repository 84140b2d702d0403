"""Reports, the audit log and the word filter in the admin (mutes and bans:
chat/admin/sanctions.py)."""

from django.contrib import admin
from django.contrib.messages import ERROR
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat.models import ModerationAction, Report, WordFilter
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.reports import report_resolve


class ReportStateFilter(admin.SimpleListFilter):
    """By resolution, open included (its stored value is the empty string)."""

    title = _("resolution")
    parameter_name = "resolution"

    def lookups(self, request, model_admin):
        return [(value or "open", label) for value, label in Report.RESOLUTIONS]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(resolution=Report.OPEN if value == "open" else value)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "room", "reporter", "reason", "created", "resolution"]
    list_filter = [ReportStateFilter, "message__room"]
    search_fields = ["message__body", "reporter__username", "message__author__username"]
    list_select_related = ["message__room", "message__author", "reporter"]
    raw_id_fields = ["message", "reporter"]
    actions = ["dismiss", "remove_messages", "mute_authors", "ban_authors"]

    @admin.display(description=_("message"))
    def excerpt(self, report: Report) -> str:
        return Truncator(report.message.body).chars(60)

    @admin.display(description=_("room"), ordering="message__room__title")
    def room(self, report: Report):
        return report.message.room

    def has_add_permission(self, request):
        return False  # readers report; moderators resolve

    def has_change_permission(self, request, obj=None):
        """Resolved through the actions only (they act and write the audit log)."""
        return obj is None and super().has_change_permission(request)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        self._resolve(request, queryset, resolution=Report.DISMISSED)

    @admin.action(description=_("Remove the messages"), permissions=["change"])
    def remove_messages(self, request, queryset):
        self._resolve(request, queryset, resolution=Report.DELETED)

    @admin.action(description=_("Mute the authors for an hour"), permissions=["change"])
    def mute_authors(self, request, queryset):
        self._resolve(request, queryset, resolution=Report.MUTED, duration="1h")

    @admin.action(description=_("Ban the authors for a day"), permissions=["change"])
    def ban_authors(self, request, queryset):
        self._resolve(request, queryset, resolution=Report.BANNED, duration="1d")

    def _resolve(self, request, queryset, *, resolution: str, duration: str = "1h") -> None:
        resolved = 0
        reports = queryset.filter(resolution=Report.OPEN).select_related(
            "message__room", "message__author"
        )
        for report in reports:
            report.refresh_from_db(fields=["resolution"])
            if report.resolution != Report.OPEN:
                continue  # resolved with another report of the same message
            try:
                report_resolve(
                    actor=request.user, report=report, resolution=resolution, duration=duration
                )
            except (NotAllowed, InvalidModeration) as error:
                self.message_user(
                    request,
                    _("Report %(report)s: %(error)s") % {"report": report, "error": error},
                    ERROR,
                )
            else:
                resolved += 1
        self.message_user(
            request,
            ngettext("Resolved %(count)d report.", "Resolved %(count)d reports.", resolved)
            % {"count": resolved},
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: read, never written here (not even by superusers)."""

    list_display = ["created", "actor", "action", "target", "room", "reason", "expires"]
    list_filter = ["action", "room", "created"]
    search_fields = ["actor__username", "target__username"]
    list_select_related = ["actor", "target", "room"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WordFilter)
class WordFilterAdmin(admin.ModelAdmin):
    list_display = ["pattern", "place", "match", "action"]
    list_filter = ["action", "match", "room"]
    search_fields = ["pattern"]

    @admin.display(description=_("room"), ordering="room__title")
    def place(self, entry: WordFilter):
        return entry.room or _("every room")
