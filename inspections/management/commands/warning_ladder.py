"""Run the daily warning ladder here: a dry run by default (prints what it would do), `--commit` writes."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections import ladder, sweep

from .compliance_sweep import _date

SHOWN = 50


class Command(BaseCommand):
    help = "Issue, escalate or close warnings (Perwali Pasal 15) as of a day (dry run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="As of this date (default: today, WITA).")
        parser.add_argument("--commit", action="store_true", help="Write the warnings (default: only print them).")

    def handle(self, *args, as_of=None, commit=False, verbosity=1, **options):
        as_of = as_of or timezone.localdate()
        try:
            plan = ladder.plan_ladder(as_of)
        except sweep.NoStandardInForce as error:
            raise CommandError(error.messages[0]) from None
        if verbosity:
            lines = [f"issue     {plan.names[p]}: {a.step}" for p, a in plan.issue]
            lines += [f"escalate  {plan.names[p]}: to {a.step}" for _letter, p, a in plan.escalate]
            lines += [f"close     {plan.names[p]}" for _letter, p in plan.close]
            limit = None if verbosity > 1 else SHOWN
            for line in lines[:limit]:
                self.stdout.write(line)
            if limit and len(lines) > limit:
                self.stdout.write(f"… and {len(lines) - limit} more (-v 2 prints every one)")
        counts = plan.counts()
        if not commit:
            self.stdout.write(
                f"Dry run as of {as_of}: would issue {counts['issue']}, escalate {counts['escalate']}, "
                f"close {counts['close']}. Nothing was written: add --commit."
            )
            return
        done = ladder.apply_ladder(plan)
        self.stdout.write(
            f"Warning ladder as of {as_of}: issued {done['issued']}, escalated {done['escalated']}, "
            f"closed {done['closed']}."
        )
