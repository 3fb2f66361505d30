from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from logistics.services import register_shipment_notice_files
        from orders import hooks

        from . import panels, services, wording

        wording.register()
        hooks.register_tab(panels.DOCUMENTS_TAB)
        hooks.register_panel(panels.DOCUMENTS_PANEL)
        register_shipment_notice_files(services.packing_list_for_notice)
