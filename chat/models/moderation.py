"""What moderation keeps: mutes and bans, reports, the audit log and the word filter."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SanctionQuerySet(models.QuerySet):
    def active(self, *, now=None) -> "SanctionQuerySet":
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=now)
        )

    def applying_to(self, *, room) -> "SanctionQuerySet":
        """In ``room`` or site-wide (``room`` None: site-wide only)."""
        if room is None:
            return self.filter(room__isnull=True)
        return self.filter(models.Q(room=room) | models.Q(room__isnull=True))


class Sanction(models.Model):
    MUTE = "mute"
    BAN = "ban"
    KINDS = [(MUTE, _("mute")), (BAN, _("ban"))]

    kind = models.CharField(_("kind"), max_length=8, choices=KINDS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sanctions",
    )
    room = models.ForeignKey(
        "chat.Room",
        verbose_name=_("room"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: the whole site."),
        related_name="sanctions",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created = models.DateTimeField(_("given"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires = models.DateTimeField(_("ends"), null=True, blank=True, help_text=_("Empty: never."))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A ban also holds the banned user's browser and (for a shorter time: addresses are
    # shared) their address, both keyed-hashed, so that a new guest cannot walk back in.
    browser_key = models.CharField(_("browser key"), max_length=64, blank=True, db_index=True)
    address_key = models.CharField(_("address key"), max_length=64, blank=True, db_index=True)
    address_expires = models.DateTimeField(_("address held until"), null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("mute or ban")
        verbose_name_plural = _("mutes and bans")
        indexes = [models.Index(fields=["user", "kind"], name="sanction_user_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.expires is None or self.expires > timezone.now())


class Report(models.Model):
    OPEN = ""
    DELETED = "deleted"
    MUTED = "muted"
    BANNED = "banned"
    DISMISSED = "dismissed"
    RESOLUTIONS = [
        (OPEN, _("open")),
        (DELETED, _("message deleted")),
        (MUTED, _("author muted")),
        (BANNED, _("author banned")),
        (DISMISSED, _("dismissed")),
    ]

    message = models.ForeignKey(
        "chat.Message", verbose_name=_("message"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="reports_made",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created = models.DateTimeField(_("reported"), default=timezone.now)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=RESOLUTIONS, default=OPEN, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="report_once_per_message_and_reporter"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.message_id} by {self.reporter}"


class ModerationAction(models.Model):
    """The audit log: one row per moderation action, never edited."""

    DELETE = "delete"
    DELETE_OWN = "delete_own"
    REMOVE_RECENT = "remove_recent"
    KICK = "kick"
    MUTE = "mute"
    BAN = "ban"
    LIFT = "lift"
    RULES = "rules"
    REPORT = "report"
    RESOLVE = "resolve"
    APPROVE = "approve"
    DROP = "drop"
    MODERATOR_ADD = "moderator_add"
    MODERATOR_REMOVE = "moderator_remove"
    ACTIONS = [
        (DELETE, _("deleted a message")),
        (DELETE_OWN, _("deleted their own message")),
        (REMOVE_RECENT, _("removed recent messages")),
        (KICK, _("kicked")),
        (MUTE, _("muted")),
        (BAN, _("banned")),
        (LIFT, _("lifted a mute or ban")),
        (RULES, _("changed the room's rules")),
        (REPORT, _("reported a message")),
        (RESOLVE, _("resolved a report")),
        (APPROVE, _("approved a held message")),
        (DROP, _("dropped a held message")),
        (MODERATOR_ADD, _("named a moderator")),
        (MODERATOR_REMOVE, _("removed a moderator")),
    ]

    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=16, choices=ACTIONS)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on whom"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    room = models.ForeignKey(
        "chat.Room",
        verbose_name=_("where"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty: the whole site."),
        related_name="+",
    )
    message = models.ForeignKey(
        "chat.Message",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    expires = models.DateTimeField(_("until"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()} {self.target or ''}".strip()


class WordFilter(models.Model):
    SUBSTRING = "substring"
    WORD = "word"
    MATCHES = [
        (SUBSTRING, _("anywhere in the text (any script, Chinese included)")),
        (WORD, _("whole word (Latin scripts)")),
    ]
    REFUSE = "refuse"
    MASK = "mask"
    HOLD = "hold"
    ACTIONS = [
        (REFUSE, _("refuse (the sender is told)")),
        (MASK, _("mask with ***")),
        (HOLD, _("hold for a moderator")),
    ]

    pattern = models.CharField(_("word or phrase"), max_length=100)
    room = models.ForeignKey(
        "chat.Room",
        verbose_name=_("room"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: every room."),
        related_name="word_filters",
    )
    match = models.CharField(_("match"), max_length=16, choices=MATCHES, default=SUBSTRING)
    action = models.CharField(_("action"), max_length=8, choices=ACTIONS, default=REFUSE)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pattern", "id"]
        verbose_name = _("word filter entry")
        verbose_name_plural = _("word filter")

    def __str__(self) -> str:
        return self.pattern
