"""Host sites that sign their own members in (docs/embed.md): an integration, and the chat
user each of its members is."""

import re
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PUBLIC_ID_LENGTH = 12  # secrets.token_urlsafe(9): the token's ``iss``, not a secret
SECRET_LENGTH = 43  # secrets.token_urlsafe(32): 256 random bits, HS256's own key size
SUB_MAX_LENGTH = 64
AVATAR_URL_MAX_LENGTH = 500
DEFAULT_PORTS = {"http": 80, "https": 443}
# Plain http is a developer's machine, never a site on the internet.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def public_id_new() -> str:
    return secrets.token_urlsafe(9)


def secret_new() -> str:
    return secrets.token_urlsafe(32)


def origin_normalize(line: str) -> str:
    """``line`` as a browser's ``Origin`` header writes it (lower case, no default port, no
    trailing slash); ValidationError for anything but scheme://host[:port]."""
    text = line.strip()
    invalid = ValidationError(
        _("“%(origin)s” is not an origin: write scheme://host or scheme://host:port."),
        code="origin",
        params={"origin": text},
    )
    try:
        parts = urlsplit(text.removesuffix("/"))
        port = parts.port
    except ValueError as error:
        raise invalid from error
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path
        or parts.query
        or parts.fragment
        or "%" in parts.netloc
    ):
        raise invalid
    try:
        URLValidator(schemes=list(DEFAULT_PORTS))(text)
        host = parts.hostname.encode("idna").decode("ascii")
    except (ValidationError, UnicodeError) as error:
        raise invalid from error
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ValidationError(
            _("“%(origin)s”: only localhost may be plain http; a site must use https."),
            code="origin_http",
            params={"origin": text},
        )
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def origins_parse(text: str) -> list[str]:
    """The origins of ``text``, one a line (blank lines skipped), each normalized."""
    return [origin_normalize(line) for line in text.splitlines() if line.strip()]


def origins_validate(text: str) -> None:
    origins_parse(text)


ACCENT = re.compile(r"#[0-9a-fA-F]{6}")


def accent_validate(value: str) -> None:
    if value and not ACCENT.fullmatch(value):
        raise ValidationError(_("Write a colour as #rrggbb, e.g. #0b7a75."), code="accent")


class Integration(models.Model):
    """A site that puts the room on its pages and signs its members in with a token."""

    name = models.CharField(_("name"), max_length=100)
    # The token's ``iss``: says which integration's secret checks it.
    public_id = models.CharField(
        _("public id"),
        max_length=PUBLIC_ID_LENGTH,
        unique=True,
        default=public_id_new,
        editable=False,
    )
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        validators=[origins_validate],
        help_text=_(
            "The host site's pages, one origin a line, such as https://www.example.com "
            "(plain http only for localhost). Only they may sign their members in here."
        ),
    )
    # HS256 checks a token with the key itself, so it is kept as it is; the admin shows it
    # once, when it is made (chat/admin/integrations.py), and never in a form.
    secret = models.CharField(
        _("secret"), max_length=SECRET_LENGTH, default=secret_new, editable=False
    )
    users_may_moderate = models.BooleanField(
        _("its users may moderate"),
        default=False,
        help_text=_(
            "A token that says “moderator” makes that member a moderator of every public "
            "room of this site. Without this, the claim is ignored."
        ),
    )
    guests_without_token = models.BooleanField(
        _("guests without a token"),
        default=True,
        help_text=_("Visitors the host site did not sign in may still join as guests."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Tokens of an inactive integration are refused.")
    )
    # How the embedded room looks (docs/embed.md, "Theming"); a snippet may override each
    # within the same values (chat/embed/theme.py).
    accent = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[accent_validate],
        help_text=_("Buttons and your own bubbles, as #rrggbb; empty for the site's blue."),
    )
    scheme = models.CharField(
        _("colours"),
        max_length=5,
        choices=[("auto", _("follow the visitor")), ("light", _("light")), ("dark", _("dark"))],
        default="auto",
    )
    density = models.CharField(
        _("density"),
        max_length=7,
        choices=[("cozy", _("cozy")), ("compact", _("compact"))],
        default="cozy",
    )
    show_title = models.BooleanField(
        _("show the room's title"),
        default=True,
        help_text=_("Off when the host page has a heading of its own above the room."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Stored as a browser writes an Origin header, so that a comparison is exact.
        self.allowed_origins = "\n".join(origins_parse(self.allowed_origins))

    @property
    def origins(self) -> list[str]:
        return origins_parse(self.allowed_origins)

    @property
    def secret_masked(self) -> str:
        """Enough to tell two secrets apart, nothing to sign with."""
        return f"…{self.secret[-4:]}"


class ExternalAccountQuerySet(models.QuerySet):
    def moderating(self):
        """Members whose last token made them moderators, of an integration that allows it."""
        return self.filter(
            moderator=True, integration__users_may_moderate=True, integration__active=True
        )


class ExternalAccount(models.Model):
    """The chat user a host site's member is: found by the host's own id for them (``sub``),
    never by name (chat/embed/accounts.py)."""

    integration = models.ForeignKey(
        Integration,
        verbose_name=_("integration"),
        on_delete=models.CASCADE,
        related_name="accounts",
    )
    sub = models.CharField(_("host's user id"), max_length=SUB_MAX_LENGTH)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="external_account",
    )
    # The host's picture of them, kept for when the room can show it; the profile wears one
    # of the shipped avatars meanwhile.
    avatar_url = models.URLField(_("avatar URL"), max_length=AVATAR_URL_MAX_LENGTH, blank=True)
    # As the last token said, when the integration allows it (chat/moderation/roles.py).
    moderator = models.BooleanField(_("moderator"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ExternalAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("external account")
        verbose_name_plural = _("external accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "sub"], name="external_account_unique_sub"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.integration}: {self.sub}"
