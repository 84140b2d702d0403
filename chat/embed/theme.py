"""How an embedded room looks (docs/embed.md, "Theming"): the integration's choices, each
overridable by the snippet within the same values; anything else is ignored, never echoed."""

from dataclasses import dataclass

from chat.models import Integration
from chat.models.integrations import ACCENT

SCHEMES = {"auto", "light", "dark"}
DENSITIES = {"cozy", "compact"}
TITLE_CHOICES = {"show": True, "hide": False}


@dataclass(frozen=True)
class Theme:
    accent: str  # "#rrggbb", or "" for the site's own
    accent_text: str  # black or white, whichever reads better on the accent
    scheme: str
    density: str
    show_title: bool


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of "#rrggbb"."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def accent_text(accent: str) -> str:
    """The text colour with the higher contrast on ``accent``."""
    if not accent:
        return ""
    light = _luminance(accent)
    on_white = (1.05) / (light + 0.05)
    on_black = (light + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#000000"


def embed_theme(*, integration: Integration, overrides) -> Theme:
    """``overrides``: the snippet's (the embed page's query: accent, scheme, density, title)."""
    accent = overrides.get("accent", "")
    accent = accent.lower() if ACCENT.fullmatch(accent or "") else integration.accent.lower()
    scheme = overrides.get("scheme", "")
    density = overrides.get("density", "")
    title = TITLE_CHOICES.get(overrides.get("title", ""))
    return Theme(
        accent=accent,
        accent_text=accent_text(accent),
        scheme=scheme if scheme in SCHEMES else integration.scheme,
        density=density if density in DENSITIES else integration.density,
        show_title=integration.show_title if title is None else title,
    )
