"""Host sites that sign their members in (docs/embed.md). The secret is shown once, in a
message, when the integration is made and when a new one replaces it; never in a form."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chat.embed.integrations import integration_secret_rotate
from chat.models import ExternalAccount, Integration

PREVIEW_ROOM = "lobby"


def embed_snippet(*, request, integration: Integration) -> str:
    """The line a host pastes into its pages (docs/embed.md), with this site's address."""
    script = request.build_absolute_uri(static("chat/embed.js"))
    return (
        f'<script src="{script}" data-room="{PREVIEW_ROOM}" '
        f'data-integration="{integration.public_id}" async></script>'
    )


EDITED = ["name", "allowed_origins", "users_may_moderate", "guests_without_token", "active"]
THEME = ["accent", "scheme", "density", "show_title"]


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "active", "users_may_moderate", "guests_without_token"]
    list_filter = ["active", "users_may_moderate", "guests_without_token"]
    search_fields = ["name", "public_id"]

    def get_fields(self, request, obj=None):
        if obj is None:  # the public id and the secret are made on saving
            return [*EDITED, *THEME]
        return ["name", "public_id", "secret_shown", *EDITED[1:], *THEME, "created"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["public_id", "secret_shown", "created"]

    @admin.display(description=_("secret"))
    def secret_shown(self, integration: Integration) -> str:
        return integration.secret_masked

    def save_model(self, request, obj: Integration, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self._secret_tell(request, obj)

    def _secret_tell(self, request, integration: Integration) -> None:
        messages.warning(
            request,
            gettext(
                "The secret of “%(name)s” (public id %(public_id)s) is %(secret)s — copy it "
                "into the host site's settings now: it is not shown again."
            )
            % {
                "name": integration.name,
                "public_id": integration.public_id,
                "secret": integration.secret,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The snippet to copy and a preview of the room as it looks with the saved theme.
        integration = self.get_object(request, unquote(object_id))
        if integration is not None:
            preview = reverse("embed-room", kwargs={"slug": PREVIEW_ROOM})
            extra_context = {
                **(extra_context or {}),
                "embed_snippet": embed_snippet(request=request, integration=integration),
                "embed_preview_url": f"{preview}?integration={integration.public_id}",
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_new_secret"
        view = self.admin_site.admin_view(self.new_secret_view)
        return [path("<path:object_id>/new-secret/", view, name=name), *super().get_urls()]

    def new_secret_view(self, request, object_id):
        """Asks first (tokens signed with the old secret stop working), then makes one."""
        integration = self.get_object(request, unquote(object_id))
        if integration is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, integration):
            raise PermissionDenied
        if request.method == "POST":
            integration_secret_rotate(integration=integration)
            self.log_change(request, integration, [{"changed": {"fields": ["secret"]}}])
            self._secret_tell(request, integration)
            return redirect(reverse("admin:chat_integration_change", args=[integration.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": integration,
            "title": _("New secret"),
        }
        return TemplateResponse(request, "admin/chat/integration/new_secret.html", context)


@admin.register(ExternalAccount)
class ExternalAccountAdmin(admin.ModelAdmin):
    """Which user a host site's member is: to find the one to ban. Made by sign-ins only."""

    list_display = ["user", "integration", "sub", "moderator", "created"]
    list_filter = ["integration", "moderator"]
    search_fields = ["sub", "user__username"]
    list_select_related = ["user", "integration"]
    readonly_fields = ["integration", "sub", "user", "avatar_url", "moderator", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)
