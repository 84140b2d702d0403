"""Signs a sign-in token for the chat (docs/embed.md) with PyJWT.

    python sign_token.py SECRET ISS SUB NAME [AVATAR]

or the same from CHAT_SECRET, CHAT_ISS, CHAT_SUB, CHAT_NAME and CHAT_AVATAR;
CHAT_MODERATOR=true adds "moderator": true. Prints the token.
"""

import os
import sys
import time

import jwt  # pip install PyJWT


def chat_sign_in_token(*, secret: str, iss: str, sub: str, name: str, **more) -> str:
    now = int(time.time())
    # sub is the host's id for the member, as text; the token is good for five minutes.
    claims = {"iss": iss, "sub": str(sub), "name": name, "iat": now, "exp": now + 300, **more}
    return jwt.encode(claims, secret, algorithm="HS256")


def main(argv: list[str]) -> int:
    variables = ["CHAT_SECRET", "CHAT_ISS", "CHAT_SUB", "CHAT_NAME", "CHAT_AVATAR"]
    given = [
        argv[position] if len(argv) > position else os.environ.get(variable, "")
        for position, variable in enumerate(variables, start=1)
    ]
    secret, iss, sub, name, avatar = given
    if not (secret and iss and sub and name):
        print("usage: python sign_token.py SECRET ISS SUB NAME [AVATAR]", file=sys.stderr)
        return 2
    more = {}
    if avatar:
        more["avatar"] = avatar  # one of the chat's avatar keys (a1 to a12) or an https URL
    if os.environ.get("CHAT_MODERATOR") == "true":
        more["moderator"] = True
    print(chat_sign_in_token(secret=secret, iss=iss, sub=sub, name=name, **more))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
