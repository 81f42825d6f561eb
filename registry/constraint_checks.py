"""A model's check constraints validated in one query, instead of Django's one query and one
savepoint each (a registration with three cameras asked the database 90 times to check what the
database checks again on INSERT). The same answers as Django's CheckConstraint.validate: the same
messages and codes, a constraint on an excluded field skipped, an unknown (NULL) result passing."""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, Case, CheckConstraint, Q, Value, When
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
        for constraint in self._failed_checks([c for _m, c in checks], exclude, using):
            error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _failed_checks(self, constraints, exclude, using):
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
