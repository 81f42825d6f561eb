"""Re-encrypt every viewer account with the first of VIEWER_ACCOUNT_KEYS (docs/deployment.md)."""

from django.core.management.base import BaseCommand

from registry import viewer_accounts


class Command(BaseCommand):
    help = "Re-encrypt the cameras' viewer accounts with the first key of VIEWER_ACCOUNT_KEYS."

    def handle(self, *args, **options):
        count = viewer_accounts.rotate()
        self.stdout.write(f"{count} viewer account(s) re-encrypted with the first key.")
