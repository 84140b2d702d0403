"""The shipped avatars: SVG files under static/avatars/, chosen by key; and a picture of
one's own (a host site's, chat/embed/pictures.py), stored as avatars/<user id>/<digest>.<ext>."""

from django.templatetags.static import static
from django.urls import reverse

AVATAR_KEYS = [f"a{number}" for number in range(1, 13)]
DEFAULT_AVATAR = AVATAR_KEYS[0]
AVATAR_CHOICES = [(key, key) for key in AVATAR_KEYS]


def avatar_url(key: str) -> str:
    if key not in AVATAR_KEYS:
        key = DEFAULT_AVATAR
    return static(f"avatars/{key}.svg")


def picture_url(name: str) -> str:
    """Where the stored picture ``name`` ("avatars/<user id>/<file>") is served."""
    _folder, user_id, file = name.split("/", 2)
    return reverse("avatar-picture", kwargs={"user_id": int(user_id), "file": file})
