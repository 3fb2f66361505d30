"""Print the site URL `make run` gives the app: the base of status links and customer email links.

SITE_URL from the environment wins, then SITE_URL from .env (read as config/settings/base.py reads
it); otherwise the address the web server listens on, http://127.0.0.1:$PORT, so that the links
follow PORT instead of pointing at port 8000.

    python scripts/site_url.py [path/to/.env]
"""

import os
import sys
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    env_file = Path(argv[1]) if len(argv) > 1 else ROOT / ".env"
    if env_file.is_file():
        environ.Env.read_env(env_file, overwrite=False)  # the real environment wins, as in the settings
    print(os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
