"""Calendar arithmetic for deadlines measured in months (Perwali: "every 6 months", "3 months")."""

import calendar
import datetime

from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def date_or_today(value):
    """A task's `as_of`: an ISO date string, or today in WITA when none is given."""
    return datetime.date.fromisoformat(value) if value else timezone.localdate()
