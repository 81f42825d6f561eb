"""On PostgreSQL the officers' text search and the registration's duplicate check are answered by
indexes (registry migration 0025): the plans name them."""

import pytest
from django.db import connection
from django.db.models import Q

from inspections.filters import PremisesFilter
from registry.models import Premises
from registry.registration import find_possible_duplicate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's (SQLite scans)"),
]


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: ask which index could answer
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_text_search_uses_the_trigram_indexes():
    found = PremisesFilter({"q": "awang"}, queryset=Premises.objects.all()).qs.order_by()
    plan = _plan(found)
    assert "premises_name_trgm_idx" in plan and "premises_address_trgm_idx" in plan and "premises_nib_idx" in plan


def test_the_duplicate_check_uses_the_nib_and_name_address_indexes():
    candidate = Premises(name="Toko Baru", address="Jl. Awang Long No. 1", nib="1234567890123")
    same = Q(name__iexact=candidate.name, address__iexact=candidate.address) | Q(nib=candidate.nib)
    plan = _plan(Premises.objects.filter(same).order_by())
    assert "premises_name_address_upper_idx" in plan and "premises_nib_idx" in plan
    assert find_possible_duplicate(candidate) is None
