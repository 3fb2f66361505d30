# One image for every production process: web (gunicorn), worker and beat (celery), and the one-shot
# migrate step. docker-compose.yml shows how they fit together.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# gettext: msgfmt, for compiling the translation catalogues below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. `pip install .` installs only the
# dependencies (pyproject.toml lists no packages); the code runs from /app.
COPY pyproject.toml README.md* ./
RUN pip install .

COPY . .

# Compiled translations and static files are part of the image. The secret key here only lets the
# settings load for these build commands; the running containers get the real one from the environment.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret \
    && python scripts/compile_translations.py \
    && python manage.py collectstatic --noinput

# Run as an unprivileged user. It owns var/ (uploads, beat's schedule file) and nothing else.
RUN useradd --system --uid 1000 --create-home --home-dir /home/app app \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
