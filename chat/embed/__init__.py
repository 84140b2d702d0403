"""A host site's members, signed in by the host (docs/embed.md): the token (tokens.py), the
chat user it is (accounts.py), and the sign-in that joins them (sign_in.py)."""
