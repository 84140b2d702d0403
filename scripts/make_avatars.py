"""Writes the shipped avatars, static/avatars/a1.svg … a12.svg: the project's own drawings.

Run again after changing a colour or a face: python scripts/make_avatars.py
"""

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "avatars"

# background, face, accent
PALETTES = [
    ("#4f7cff", "#ffd9b3", "#1d3a8a"),
    ("#ff7a59", "#ffe0c2", "#8a2b12"),
    ("#2bb673", "#f6d1a8", "#0f5a36"),
    ("#a35cff", "#ffdcc5", "#4a1a8c"),
    ("#ffb020", "#fbe3c8", "#7a4a00"),
    ("#00a8c6", "#f3cfa6", "#004f5e"),
    ("#e84a8a", "#ffe4d1", "#7a1441"),
    ("#5f6b7a", "#f0d0b0", "#1f2630"),
    ("#3fbf9f", "#ffd7b8", "#17574a"),
    ("#ff5d5d", "#f8dcc0", "#7a1c1c"),
    ("#7a8cff", "#f5d5b5", "#27307a"),
    ("#c9a227", "#fde2c6", "#5c4a0a"),
]
HAIR = ["cap", "spikes", "bob", "bun", "none", "fringe"]
MOUTH = ["smile", "grin", "o"]


def avatar_svg(number: int) -> str:
    background, face, accent = PALETTES[(number - 1) % len(PALETTES)]
    hair = HAIR[(number - 1) % len(HAIR)]
    mouth = MOUTH[(number - 1) % len(MOUTH)]
    parts = [
        f'<rect width="64" height="64" rx="32" fill="{background}"/>',
        f'<circle cx="32" cy="35" r="17" fill="{face}"/>',
    ]
    if hair == "cap":
        parts.append(f'<path d="M15 31a17 15 0 0 1 34 0z" fill="{accent}"/>')
    elif hair == "spikes":
        parts.append(f'<path d="M16 28l4-10 5 7 4-9 4 9 5-8 3 9 4-6 1 8z" fill="{accent}"/>')
    elif hair == "bob":
        parts.append(f'<path d="M14 40V30a18 16 0 0 1 36 0v10h-5V29H19v11z" fill="{accent}"/>')
    elif hair == "bun":
        parts.append(f'<circle cx="32" cy="14" r="6" fill="{accent}"/>')
        parts.append(f'<path d="M16 29a16 13 0 0 1 32 0z" fill="{accent}"/>')
    elif hair == "fringe":
        parts.append(f'<path d="M15 30a17 14 0 0 1 34 0q-9-4-17 1q-8-5-17-1z" fill="{accent}"/>')
    parts.append(f'<circle cx="26" cy="36" r="2.2" fill="{accent}"/>')
    parts.append(f'<circle cx="38" cy="36" r="2.2" fill="{accent}"/>')
    if mouth == "smile":
        parts.append(
            f'<path d="M26 43q6 5 12 0" stroke="{accent}" stroke-width="2" fill="none" '
            'stroke-linecap="round"/>'
        )
    elif mouth == "grin":
        parts.append(f'<path d="M25 42h14q-7 8-14 0z" fill="{accent}"/>')
    else:
        parts.append(f'<circle cx="32" cy="44" r="2.5" fill="{accent}"/>')
    body = "".join(parts)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f"{body}</svg>\n"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for number in range(1, len(PALETTES) + 1):
        (OUT / f"a{number}.svg").write_text(avatar_svg(number))


if __name__ == "__main__":
    main()
