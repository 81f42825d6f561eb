"""Purge the personal data of old rejected registrations: dry run by default, `--commit` to write."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from registry import retention


class Command(BaseCommand):
    help = (
        "Remove persons, photos and status links of registrations rejected more than "
        "REJECTED_REGISTRATION_RETENTION_DAYS ago (dry run unless --commit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="Purge (default: only count).")

    def handle(self, *args, commit=False, **options):
        count = retention.purge_rejected_registrations(as_of=timezone.now(), commit=commit)
        days = settings.REJECTED_REGISTRATION_RETENTION_DAYS
        verb = "purged" if commit else "would purge (dry run; --commit to purge)"
        self.stdout.write(f"{verb}: {count} registration(s) rejected more than {days} days ago")
