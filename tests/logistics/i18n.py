"""`make test` compiles every catalogue first; a bare `pytest tests/logistics` may not have, so compile
the catalogues of logistics, after-sales and the customer portal (polib, pure Python) when stale, and
let Django reload its catalogues."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("logistics", "aftersales", "customer_portal", "documents")


def compile_stage_catalogues() -> None:
    import polib
    from asgiref.local import Local
    from django.utils.translation import trans_real

    compiled = False
    for app in APPS:
        for po_path in (ROOT / app / "locale").glob("*/LC_MESSAGES/django.po"):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                catalogue = polib.pofile(str(po_path))
                for entry in catalogue.fuzzy_entries():
                    catalogue.remove(entry)
                catalogue.save_as_mofile(str(mo_path))
                compiled = True
    if compiled:
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()
