"""fpdf2 and fontTools take seconds to import. A process that loads the apps (a web worker, a Celery
process, every manage.py command) must not pay for them until it draws a PDF."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = """
import sys
import django
django.setup()
import documents.services
heavy = sorted(name for name in ("fpdf", "fontTools") if name in sys.modules)
print(",".join(heavy) or "none")
from documents import pdf
pdf.render_pi  # the entry point stays where the services call it
"""


def test_loading_the_apps_does_not_import_the_pdf_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "none"
