"""How long a mute or ban lasts: the choices the page and the admin offer."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.moderation.errors import InvalidModeration

FOREVER = "forever"
DURATIONS: dict[str, timedelta | None] = {
    "10m": timedelta(minutes=10),
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "1w": timedelta(weeks=1),
    FOREVER: None,
}
DURATION_LABELS = {
    "10m": _("10 minutes"),
    "1h": _("an hour"),
    "1d": _("a day"),
    "1w": _("a week"),
    FOREVER: _("for good"),
}
# The spam clean-up's reach: messages of the last hour, day, or all of them.
SINCE = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "all": None}


def expiry_from(duration: str, *, now: datetime | None = None) -> datetime | None:
    """When a sanction of ``duration`` given now ends; None: never."""
    if duration not in DURATIONS:
        raise InvalidModeration(_("Choose a duration: 10m, 1h, 1d, 1w or forever."))
    length = DURATIONS[duration]
    return None if length is None else (now or timezone.now()) + length


def since_from(since: str, *, now: datetime | None = None) -> datetime | None:
    """The start of the clean-up's reach; None: from the beginning."""
    if since not in SINCE:
        raise InvalidModeration(_("Choose how far back: 1h, 1d or all."))
    length = SINCE[since]
    return None if length is None else (now or timezone.now()) - length
