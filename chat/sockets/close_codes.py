"""The close codes the server sends on its own, in the private range 4000-4999.

The standard codes for these cases (1009 message too big, 1012 service restart, 1013 try
again later) cannot be sent by an application under daphne: autobahn refuses any server
close code but 1000 and 3000-4999, and the close never happens. Each private code keeps the
standard one's last digits, so 4012 reads as 1012.
"""

CLOSE_FRAME_TOO_BIG = 4009  # a frame over CHAT_MAX_FRAME_BYTES
CLOSE_SERVICE_RESTART = 4012  # the server lost the socket's shared state (Redis)
CLOSE_TOO_FAR_BEHIND = 4013  # the socket did not take its room's frames fast enough
CLOSE_NOT_AUTHENTICATED = 4401  # no session, logged out, or deactivated by staff
CLOSE_LOGIN_TIMEOUT = 4408  # the old page's socket did not log in within CHAT_LEGACY_LOGIN_SECONDS
CLOSE_TOO_MANY_CONNECTIONS = 4429  # the user's or the address's sockets are at their bound
CLOSE_NOT_FOUND = 4404  # no such room, or no socket endpoint at that path
CLOSE_BANNED = (
    4403  # a moderator banned the user (or their browser or address) from the room or site
)
CLOSE_KICKED = 4410  # a moderator removed the user from the room; they may come back
