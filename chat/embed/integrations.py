"""What the admin does to an integration beyond editing it."""

from chat.models import Integration
from chat.models.integrations import secret_new


def integration_secret_rotate(*, integration: Integration) -> str:
    """A new secret for ``integration``, returned to be shown once: from now on, tokens
    signed with the old one are refused."""
    integration.secret = secret_new()
    integration.save(update_fields=["secret"])
    return integration.secret
