"""Import the licensing office's list of premises: a dry run prints what it would do and every row
error; --commit writes the valid rows and lists the skipped ones."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports import premises
from imports.reading import Refused


class Command(BaseCommand):
    help = "Import premises from an XLSX, XLS, ODS or CSV file. Dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="write the valid rows")
        parser.add_argument("--mapping", help='JSON file {"nib": "NIB", "name": "Nama Usaha", …}')
        parser.add_argument(
            "--by", default=None, help="user name recorded in the history (default: the first superuser)"
        )

    def handle(self, *args, file, commit=False, mapping=None, by=None, **options):
        try:
            data = Path(file).read_bytes()
            columns = json.loads(Path(mapping).read_text()) if mapping else None
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(str(error)) from None
        try:
            plan = premises.plan_import(data, columns)
        except Refused as refused:
            raise CommandError(str(refused)) from None
        for error in plan.errors:
            self.stdout.write(f"row {error.row}, {error.column}: {error.message}")
        self.stdout.write(
            f"{plan.rows} rows: {len(plan.create)} to create, {len(plan.update)} to update, "
            f"{plan.unchanged} unchanged, {len(plan.skipped_rows)} skipped"
        )
        if not commit:
            self.stdout.write("dry run: nothing written (--commit writes the valid rows)")
            return
        User = get_user_model()
        user = User.objects.filter(username=by).first() if by else User.objects.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("No such user: give --by USERNAME (the history names who imported).")
        counts = premises.apply_plan(plan, batch_id="cli", user=user)
        skipped = ", ".join(str(n) for n in sorted(plan.skipped_rows)) or "none"
        self.stdout.write(f"written: {counts['created']} created, {counts['updated']} updated; rows skipped: {skipped}")
