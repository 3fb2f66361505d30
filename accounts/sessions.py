"""Sessions read from the cache, kept in the database: Django's cached_db, made to survive a cache outage.

Every page loads the session; with the cache in front, that is a Redis GET instead of a query. Django's
cached_db already tolerates a failing cache on reads and saves, but not when it refills the cache after a
miss, checks a new key or deletes on sign-out: there a Redis outage would answer every page with a 500.
Here each of those falls back to the database, which always holds the truth, and logs the failure.
Used only where the cache is shared by all web processes (settings: Redis), so a sign-out in one worker
is a sign-out in all.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:
            logger.warning("Session cache unavailable: reading the session from the database", exc_info=True)
            return DBStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            logger.warning("Session cache unavailable: checking the key in the database", exc_info=True)
            return DBStore.exists(self, session_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        DBStore.delete(self, session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            # The row is gone, so the session ends once the cached copy expires or the cache restarts empty.
            logger.error("Session cache unavailable: could not drop session %s… from it", key[:6], exc_info=True)
