"""The shipped avatars: SVG files under static/avatars/, chosen by key."""

from django.templatetags.static import static

AVATAR_KEYS = [f"a{number}" for number in range(1, 13)]
DEFAULT_AVATAR = AVATAR_KEYS[0]
AVATAR_CHOICES = [(key, key) for key in AVATAR_KEYS]


def avatar_url(key: str) -> str:
    if key not in AVATAR_KEYS:
        key = DEFAULT_AVATAR
    return static(f"avatars/{key}.svg")
