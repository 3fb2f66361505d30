"""Django's `migrate`, with django-fsm-2's class_prepared receivers scoped to their own model while it runs.

An FSMField connects a receiver to `class_prepared` for every class it is added to, and that receiver is
called for every class prepared afterwards. `migrate` renders the historical models thousands of times, so
the receivers pile up and each rendered class calls all of them: on a fresh database that was half of
`migrate`'s CPU time, most of it in `make run`'s first start and in every test database created. The
receiver only collects the transitions of the class it was added to (historical models have none), so
connecting it with that class as sender changes nothing but the cost.
"""

import contextlib

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db.models.signals import class_prepared
from django_fsm import FSMFieldMixin


@contextlib.contextmanager
def fsm_receivers_per_class():
    original = FSMFieldMixin.contribute_to_class

    def contribute_to_class(self, cls, name, *args, **kwargs):
        original(self, cls, name, *args, **kwargs)
        if class_prepared.disconnect(self._collect_transitions):
            class_prepared.connect(self._collect_transitions, sender=cls)

    FSMFieldMixin.contribute_to_class = contribute_to_class
    try:
        yield
    finally:
        FSMFieldMixin.contribute_to_class = original


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with fsm_receivers_per_class():
            return super().handle(*args, **options)
