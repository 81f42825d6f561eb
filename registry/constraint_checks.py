"""A model's check constraints validated without asking the database each time.

Django's CheckConstraint.validate asks the database once per constraint, in a savepoint: a
registration with three cameras asked 90 times what the database checks again on INSERT. Here each
condition made of plain comparisons on the instance's own fields (exact, in, gt, gte, lt, lte,
isnull, regex, against a value or another field) is evaluated in Python, with SQL's three-valued
logic: a comparison with NULL is unknown, and an unknown result passes, as in the database. Any
other condition is asked of the database, all of them in one query. The answers are Django's own:
the same messages and codes, a constraint on an excluded field skipped (tests/registry/
test_constraint_checks.py compares both ways on generated values, on PostgreSQL and SQLite).
"""

import operator
import re
from contextlib import nullcontext
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, Case, CheckConstraint, F, Q, Value, When
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


class ChecksInOneQuery:
    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        checks, others = [], []
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                (checks if isinstance(constraint, CheckConstraint) else others).append((model_class, constraint))
        errors = {}
        for model_class, constraint in others:  # unique constraints: as Django validates them
            try:
                constraint.validate(model_class, self, exclude=exclude, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
        values = {
            name: value.value if type(value) is Value else EXPRESSION
            for name, value in self._get_field_expression_map(meta=self._meta, exclude=exclude).items()
        }
        in_sql, failed = [], []  # constraints compare by value, they do not hash
        for _model, constraint in checks:
            try:
                if evaluate(constraint.condition, values) is False:
                    failed.append(constraint)
            except Unsupported:
                in_sql.append(constraint)
            except Excluded:
                pass
        failed += self._failed_checks(in_sql, exclude, using)
        for constraint in [c for _m, c in checks if any(c is f for f in failed)]:  # in the order Django reports them
            error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _failed_checks(self, constraints, exclude, using):
        if not constraints:
            return []
        against = self._get_field_expression_map(meta=self._meta, exclude=exclude)
        query = Query(None)
        for name, value in against.items():
            query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
        asked = []
        for constraint in constraints:
            holds = Case(
                When(~Q(constraint.condition), then=Value(False)), default=Value(True), output_field=BooleanField()
            )
            try:
                query.add_annotation(holds, f"_check_{len(asked)}")
            except FieldError:  # it names a field left out of this validation
                continue
            asked.append(constraint)
        if not asked:
            return []
        connection = connections[using]
        guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
        try:
            with guard:
                row = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            return []  # as Django does: the database will say so on saving
        return [constraint for constraint, holds in zip(asked, row, strict=True) if not holds]


class Unsupported(Exception):
    """A condition this module does not evaluate in Python: the database answers it."""


class Excluded(Exception):
    """The condition names a field left out of this validation: skipped, as Django does."""


EXPRESSION = object()  # a field holding an expression (F(), a function): the database evaluates it
NUMBERS = (int, float, Decimal)
ORDERED = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


@lru_cache(maxsize=64)
def _pattern(regex):
    return re.compile(regex)


def evaluate(condition, values):
    """True, False or None (unknown) for a Q over the instance's `values` (field name -> value)."""
    if not isinstance(condition, Q) or condition.connector not in (Q.AND, Q.OR):
        raise Unsupported
    results = [
        evaluate(child, values) if isinstance(child, Q) else _lookup(*child, values) for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    else:
        result = True if True in results else None if None in results else False
    if condition.negated:
        return None if result is None else not result
    return result


def _operand(value, values):
    if isinstance(value, F):
        return _field(value.name, values)
    if hasattr(value, "resolve_expression"):
        raise Unsupported
    return value


def _field(name, values):
    if "__" in name or name == "pk":
        raise Unsupported
    if name not in values:
        raise Excluded
    if values[name] is EXPRESSION:
        raise Unsupported
    return values[name]


def _lookup(lookup, rhs, values):
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    value = _field(name, values)
    if kind == "isnull":
        if not isinstance(rhs, bool):
            raise Unsupported
        return (value is None) is rhs
    rhs = _operand(rhs, values)
    if kind == "in":
        if not isinstance(rhs, (list, tuple, set, frozenset)) or any(v is None for v in rhs):
            raise Unsupported
        return None if value is None else _same_kind(value, rhs) and value in rhs
    if value is None or rhs is None:
        return None
    if kind == "exact":
        return _same_kind(value, [rhs]) and value == rhs
    if kind in ORDERED:
        if not (isinstance(value, NUMBERS) and isinstance(rhs, NUMBERS)) or isinstance(value, bool):
            raise Unsupported  # text and dates order by the database's rules, not Python's
        return ORDERED[kind](value, rhs)
    if kind == "regex":
        if not isinstance(value, str) or not isinstance(rhs, str):
            raise Unsupported
        return _pattern(rhs).search(value) is not None
    raise Unsupported


def _same_kind(value, candidates):
    """Text against text, numbers against numbers: anything else is the database's to compare."""
    for candidate in candidates:
        if isinstance(value, str) != isinstance(candidate, str) or isinstance(value, bool) != isinstance(
            candidate, bool
        ):
            raise Unsupported
        if not isinstance(value, (str, *NUMBERS)):
            raise Unsupported
    return True
