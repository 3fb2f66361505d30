#!/usr/bin/env bash
# The newcomer's command (`make run`): from a fresh clone with only Python 3.11+ installed, set up a
# virtualenv, the database and demo data, then run the web server, a Celery worker and Celery beat
# together (honcho, Procfile.dev). No database or broker server is needed: SQLite and a folder-based
# Celery queue under var/ are the defaults of config.settings.local.
#
#   scripts/run.sh                 everything above; Ctrl-C stops all three processes
#   scripts/run.sh --install-only  only create/refresh .venv (shared with `make test`, `make install`)
#
# Environment: PORT (default 8000), PYTHON (interpreter used to create .venv), DJANGO_SETTINGS_MODULE
# (default config.settings.local), SITE_URL (default http://127.0.0.1:$PORT). Everything else comes from
# the environment or .env (see .env.example).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

pick_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

install_deps() { # install_deps <pip spec>: uv when it can be had, else pip
    # uv resolves and installs the same packages from the same index several times faster than pip, whose
    # resolver spends most of a first install reading every release of every package; pip installs uv
    # itself from its cache. Any failure of uv falls back to pip, which reads pip's own configuration.
    # GENDAN_INSTALLER=pip skips uv.
    if [ "${GENDAN_INSTALLER:-uv}" = uv ]; then
        local index
        index="$("$VENV/bin/python" -m pip config get global.index-url 2>/dev/null || true)"
        if [ -n "$index" ]; then export UV_DEFAULT_INDEX="$index"; fi # a mirror set for pip serves uv too
        if "$VENV/bin/python" -m pip install --quiet --no-compile uv 2>/dev/null &&
            "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" -e "$1"; then
            return 0
        fi
        say "uv could not install the dependencies; using pip"
    fi
    # --no-compile: pip would byte-compile every installed module; Python compiles the ones a process
    # imports when it first imports them, which is far fewer.
    "$VENV/bin/python" -m pip install --quiet --no-compile -e "$1"
}

ensure_venv() { # ensure_venv dev|run: `make run` needs the app's dependencies only, the rest the test tools too
    local spec=. stamp=$STAMP
    if [ "$1" = dev ]; then spec='.[dev]' stamp="$VENV/.installed-dev"; fi
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        python="$(pick_python)" || die "Python 3.11, 3.12 or 3.13 is required (set PYTHON=/path/to/python3.11)."
        say "Creating .venv with $python"
        "$python" -m venv "$VENV" ||
            die "could not create .venv; on Debian/Ubuntu install the venv module: sudo apt-get install python3-venv"
        rm -f "$STAMP" "$VENV/.installed-dev"
    fi
    # Reinstall only when pyproject.toml changed since the last successful install.
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "Installing dependencies into .venv (the first time takes a minute or more)"
        # pip 21.3+ installs this project in editable mode from pyproject.toml; the pip a new venv brings
        # (23.x with Python 3.11) is kept rather than fetched again.
        if ! "$VENV/bin/python" -c 'import sys, pip; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (21, 3))'; then
            "$VENV/bin/python" -m pip install --quiet --upgrade pip || true
        fi
        install_deps "$spec"
        touch "$stamp"
        if [ "$1" = dev ]; then touch "$STAMP"; fi # the dev install holds the app's dependencies too
    fi
}

if [ "${1:-}" = "--install-only" ]; then
    ensure_venv dev
    exit 0
fi
[ $# -eq 0 ] || die "unknown argument: $1 (usage: scripts/run.sh [--install-only])"
ensure_venv run

export PATH="$VENV/bin:$PATH"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
export PYTHONUNBUFFERED=1 # honcho reads the processes' output through pipes: print lines as they come
PORT="${PORT:-8000}"
export PORT
URL="http://127.0.0.1:$PORT/"
# Status links and customer emails must point at this server's port (SITE_URL set in the environment
# or .env wins).
SITE_URL="$(python scripts/site_url.py)"
export SITE_URL

# The folder broker needs its folders before the worker, beat or web publishes anything.
mkdir -p var/broker/queue var/broker/processed var/media

# Migrations read no catalogue, so the translations compile on the other core meanwhile; the demo data
# and the servers need them.
say "Compiling translations and migrating the database"
python scripts/compile_translations.py &
translations=$!
python manage.py migrate --noinput
wait "$translations" || die "could not compile the translations"

say "Loading demo data"
# migrate has just run the system checks; they would only repeat here and in the web server below.
python manage.py load_demo_data --skip-checks

say "Starting web, worker and beat on $URL (Ctrl-C stops them)"

# Announce the address again once the web server answers, so it is not lost in the start-up log.
(
    for _ in $(seq 1 120); do
        sleep 1
        if python - "$URL" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "healthz", timeout=2)
PY
            printf '\n\033[1;32m==> Ready: open %s and sign in with a demo login above.\033[0m\n\n' "$URL"
            exit 0
        fi
    done
) &

exec honcho start -f Procfile.dev -p "$PORT"
