"""Remove pictures that no message uses (docs/images.md). Run it daily, e.g. from cron:
``python manage.py uploads_prune``."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from chat.uploads.removal import uploads_prune


class Command(BaseCommand):
    help = "Remove uploaded pictures that no message has used, and files no upload names."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=settings.CHAT_UPLOAD_ORPHAN_HOURS,
            help="Leave uploads younger than this many hours (CHAT_UPLOAD_ORPHAN_HOURS).",
        )

    def handle(self, *args, hours: int, **options):
        rows, files = uploads_prune(older_than=timedelta(hours=hours))
        self.stdout.write(f"removed {rows} unused uploads and {files} files no upload names")
