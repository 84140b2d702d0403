"""Mutes and bans in the admin: given as a moderator gives them (the user's open pages
learn at once, through chat/signals.py), and lifted the same way; never edited."""

from django import forms
from django.contrib import admin
from django.contrib.messages import ERROR, WARNING
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat.models import Sanction
from chat.moderation.durations import DURATION_LABELS, DURATIONS
from chat.moderation.errors import NotAllowed
from chat.moderation.sanctions import sanction_lift, sanction_record

ADD_FIELDS = ["kind", "user", "room", "duration", "reason"]


class SanctionAddForm(forms.ModelForm):
    duration = forms.ChoiceField(
        label=_("How long"), choices=[(key, DURATION_LABELS[key]) for key in DURATIONS]
    )
    actor = None  # the admin user, set by SanctionAdmin.get_form

    class Meta:
        model = Sanction
        fields = ADD_FIELDS

    def clean_user(self):
        user = self.cleaned_data["user"]
        if self.actor is not None and user.pk == self.actor.pk:
            raise forms.ValidationError(_("You cannot mute or ban yourself."), code="self")
        return user


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("active")), ("ended", _("ended")), ("lifted", _("lifted"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now=now)
        if self.value() == "ended":
            return queryset.filter(lifted_at__isnull=True, expires__lte=now)
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "place", "created", "ends", "active", "created_by", "reason"]
    list_filter = ["kind", "room", StateFilter]
    search_fields = ["user__username"]
    list_select_related = ["user", "room", "created_by"]
    raw_id_fields = ["user"]
    date_hierarchy = "created"
    actions = ["lift_selected"]
    # What a saved one shows: the device keys only as whether they are held.
    shown_fieldsets = [
        (None, {"fields": ["kind", "user", "room", "reason", "created", "created_by", "expires"]}),
        (_("Lifted"), {"fields": ["lifted_at", "lifted_by"]}),
        (_("Devices held"), {"fields": ["holds_browser", "holds_address", "address_expires"]}),
    ]

    @admin.display(description=_("room"), ordering="room__title")
    def place(self, sanction: Sanction):
        return sanction.room or _("whole site")

    @admin.display(description=_("ends"), ordering="expires")
    def ends(self, sanction: Sanction):
        return sanction.expires or _("for good")

    @admin.display(description=_("active"), boolean=True)
    def active(self, sanction: Sanction) -> bool:
        return sanction.is_active

    @admin.display(description=_("holds their browser"), boolean=True)
    def holds_browser(self, sanction: Sanction) -> bool:
        return bool(sanction.browser_key)

    @admin.display(description=_("holds their address"), boolean=True)
    def holds_address(self, sanction: Sanction) -> bool:
        return bool(sanction.address_key)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ADD_FIELDS})]
        return self.shown_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for _title, options in self.shown_fieldsets for name in options["fields"]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SanctionAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        """A mute or ban is given and lifted, never edited: the saved one is shown read-only
        (the list's actions still need the change permission)."""
        return obj is None and super().has_change_permission(request)

    def save_model(self, request, obj: Sanction, form, change: bool) -> None:
        """As chat.moderation.sanctions.sanction_give does: it replaces an active one of the
        same kind and place, holds a banned user's devices, and goes to the audit log."""
        saved = sanction_record(
            actor=request.user,
            target=obj.user,
            kind=obj.kind,
            duration=form.cleaned_data["duration"],
            room=obj.room,
            reason=obj.reason,
        )
        obj.pk = saved.pk  # the admin's "added" message and redirect name the saved one
        obj.__dict__.update(saved.__dict__)

    @admin.action(description=_("Lift selected"), permissions=["change"])
    def lift_selected(self, request, queryset):
        lifted = 0
        active = list(queryset.active().select_related("user", "room"))
        skipped = queryset.count() - len(active)
        for sanction in active:
            try:
                sanction_lift(actor=request.user, sanction=sanction)
            except NotAllowed:
                self.message_user(
                    request,
                    _("You may not lift %(sanction)s in %(place)s.")
                    % {"sanction": sanction, "place": self.place(sanction)},
                    ERROR,
                )
            else:
                lifted += 1
        self.message_user(
            request,
            ngettext("Lifted %(count)d mute or ban.", "Lifted %(count)d mutes and bans.", lifted)
            % {"count": lifted},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d had already ended or been lifted.",
                    "%(count)d had already ended or been lifted.",
                    skipped,
                )
                % {"count": skipped},
                WARNING,
            )
