"""Run the compliance sweep here, without a broker: dry-run by default, `--commit` to write."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from inspections import sweep


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2026-11-28, not {value!r}.") from None


class Command(BaseCommand):
    help = "Judge every obligated premises and bring compliance flags up to date (dry run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="Judge as of this date (default: today, WITA).")
        parser.add_argument("--commit", action="store_true", help="Write the changes (default: only print them).")
        parser.add_argument("--chunk-size", type=int, default=sweep.CHUNK_SIZE, help="Premises per chunk.")

    def handle(self, *args, as_of=None, commit=False, chunk_size=sweep.CHUNK_SIZE, verbosity=1, **options):
        from django.utils import timezone

        as_of = as_of or timezone.localdate()
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        try:
            sweep.standard_for(as_of)
        except sweep.NoStandardInForce as error:
            raise CommandError(error.messages[0]) from None

        def progress(done, total):
            if verbosity:
                self.stderr.write(f"chunk {done}/{total}", ending="\r" if done < total else "\n")

        if commit:
            run = sweep.run_sweep(as_of, trigger="command", chunk_size=chunk_size, progress=progress)
            self.stdout.write(
                f"Sweep run {run.pk} as of {as_of} (standard v{run.standard.version}): {run.get_status_display()}. "
                f"{run.premises_evaluated} premises evaluated; flags opened {run.flags_opened}, "
                f"confirmed {run.flags_confirmed}, resolved {run.flags_resolved}; errors {len(run.errors)}."
            )
            return

        standard, plans = sweep.preview_sweep(as_of, chunk_size=chunk_size, progress=progress)
        totals = {"evaluated": 0, "open": 0, "confirm": 0, "resolve": 0, "errors": 0}
        for plan in plans:
            totals["evaluated"] += plan.evaluated
            totals["open"] += len(plan.to_open)
            totals["confirm"] += len(plan.to_confirm) + len(plan.to_update)
            totals["resolve"] += len(plan.to_resolve)
            totals["errors"] += len(plan.errors)
            if verbosity:
                for premises_id, breach in plan.to_open:
                    self.stdout.write(f"open     {plan.names.get(premises_id, premises_id)}: {breach.kind}")
                for _flag, premises_id, kind, reason in plan.to_resolve:
                    self.stdout.write(f"resolve  {plan.names.get(premises_id, premises_id)}: {kind} ({reason})")
                for error in plan.errors:
                    self.stdout.write(f"error    premises {error['premises_id']}: {error['error']}")
        self.stdout.write(
            f"Dry run as of {as_of} (standard v{standard.version}): {totals['evaluated']} premises evaluated; "
            f"would open {totals['open']}, confirm {totals['confirm']}, resolve {totals['resolve']}; "
            f"errors {totals['errors']}. Nothing was written: add --commit."
        )
