import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
# Set up Django before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402
from chat.sockets.origin import SiteOriginValidator  # noqa: E402
from chat.sockets.server_send import ServerSendMiddleware  # noqa: E402
from chat.sockets.tickets import TicketAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": ServerSendMiddleware(
            SiteOriginValidator(
                AuthMiddlewareStack(TicketAuthMiddleware(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)
