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
        _connect_access_cache()


def _connect_access_cache():
    """accounts.access keeps each user's roles and device flag in the cache: drop them when they change."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from . import access

    m2m_changed.connect(access.on_groups_changed, sender=get_user_model().groups.through, dispatch_uid="access.groups")
    post_save.connect(access.on_group_saved_or_deleted, sender=Group, dispatch_uid="access.group_saved")
    pre_delete.connect(access.on_group_saved_or_deleted, sender=Group, dispatch_uid="access.group_deleted")
    post_save.connect(access.on_device_changed, sender=TOTPDevice, dispatch_uid="access.device_saved")
    post_delete.connect(access.on_device_changed, sender=TOTPDevice, dispatch_uid="access.device_deleted")


def _sync_roles_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.apps import apps

    if plan is None:
        return  # a flush (test teardown), not a migrate: the data is being emptied or restored

    from .roles import sync_role_permissions

    last_app_with_models = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender.name == last_app_with_models.name:  # every app's permissions exist by now
        sync_role_permissions(using=using)
