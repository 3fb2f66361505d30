"""A loopback TCP proxy in front of a real server (Redis, PostgreSQL, SMTP) that a test switches between
three behaviours, so a dependency can fail without the shared server ever being stopped:

- "pass": forwards both ways;
- "hang": accepts and never answers (open connections stop moving too), like a server that is stuck;
- "refuse": nothing listens (connections are refused, open ones are reset), like a server that is down.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading

PASS, HANG, REFUSE = "pass", "hang", "refuse"


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.mode = PASS
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        self._acceptor.start()

    # --- switching -----------------------------------------------------------------------------------

    def set(self, mode: str) -> None:
        assert mode in (PASS, HANG, REFUSE), mode
        with self._lock:
            previous, self.mode = self.mode, mode
            if mode != previous and mode != HANG:
                # A server that goes down resets its connections; one that comes back has lost them. One
                # that hangs keeps them open and silent (the pipes stop moving).
                self._close_all()
            if mode == REFUSE and self._listener is not None:
                self._listener.close()
                self._listener = None
            elif mode != REFUSE and self._listener is None:
                self._listener = self._listen(self.port)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._close_all()
            if self._listener is not None:
                self._listener.close()
                self._listener = None
        self._acceptor.join(timeout=2)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- inside --------------------------------------------------------------------------------------

    @staticmethod
    def _listen(port: int) -> socket.socket:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # rebinding while old sockets close
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        listener.settimeout(0.05)
        return listener

    def _close_all(self) -> None:
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            with contextlib.suppress(OSError):
                sock.close()
        self._sockets.clear()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            listener = self._listener
            if listener is None:
                self._stop.wait(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                mode = self.mode
                self._sockets.add(client)
            if mode == PASS:
                threading.Thread(target=self._pipe, args=(client,), daemon=True).start()
            # HANG: keep the socket open and say nothing.

    def _pipe(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            with contextlib.suppress(OSError):
                client.close()
            return
        with self._lock:
            self._sockets.add(server)
        pair = {client: server, server: client}
        try:
            while not self._stop.is_set():
                if self.mode != PASS:
                    self._stop.wait(0.05)  # hang: hold everything; refuse: _close_all ends us
                    if client.fileno() == -1 or server.fileno() == -1:
                        return
                    continue
                readable, _, _ = select.select(list(pair), [], [], 0.1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.close()
            with self._lock:
                self._sockets.discard(client)
                self._sockets.discard(server)


def redis_upstream() -> tuple[str, int, int] | None:
    """(host, port, database) of the Redis the tests may use: CI's broker, else TEST_REDIS_URL; None when
    it does not answer."""
    import os
    from urllib.parse import urlsplit

    import redis
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        return None
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 6379, int(parts.path.strip("/") or 0)
