"""Model fields that know no domain."""

from django_fsm import FSMField


class StateField(FSMField):
    """django-fsm-2's FSMField, written into migrations as the CharField it stores.

    Why: FSMField connects a `class_prepared` receiver every time a model holding it is built, and the
    migration executor rebuilds historical models hundreds of times while it migrates a new database.
    The receivers pile up, and every later model build walks all of them: most of a first `migrate`'s
    time went there. A migration only needs the column, which is a plain CharField; the transitions,
    and `protected`, matter only on the real model.
    """

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("protected", None)
        return name, "django.db.models.CharField", args, kwargs
