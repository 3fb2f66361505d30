from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and roles")

    def ready(self):
        # Permissions of apps migrated after ours exist only once their own post_migrate has run, so the
        # role → permission table is applied after every migrate, when all of them exist. Idempotent.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")


def _sync_roles_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.apps import apps

    if plan is None:
        return  # a flush (test teardown), not a migrate: the data is being emptied or restored

    from .roles import sync_role_permissions

    last_app_with_models = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender.name == last_app_with_models.name:  # every app's permissions exist by now
        sync_role_permissions(using=using)
