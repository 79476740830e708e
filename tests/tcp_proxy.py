"""A small TCP forwarder on 127.0.0.1 that a test can stop and start: a real network outage between the
app and its database, without touching the database server itself.

`go_silent()` is the nastier outage: connections stay open (new ones are accepted too) and every byte is
swallowed, in both directions, as on a dead link behind a firewall that drops packets; the kernel still
acknowledges at the TCP level, so keepalives do not notice. `resume()` forwards again."""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target: tuple[str, int] | str) -> None:
        """`target`: (host, port) for TCP, or a Unix-socket path."""
        self.target = target
        self.listener: socket.socket | None = None
        self.port = 0
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.silent = False

    def _connect_target(self) -> socket.socket:
        if isinstance(self.target, str):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.target)
        else:
            s = socket.create_connection(self.target, timeout=5)
            s.settimeout(None)
        return s

    def start(self) -> int:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self.port

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self._conns.clear()

    def go_silent(self) -> None:
        """Hold every connection open and forward nothing (bytes are read and dropped)."""
        self.silent = True

    def resume(self) -> None:
        """Forward again (connections that lost bytes while silent are out of step: the client drops them)."""
        self.silent = False

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = self._connect_target()
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if not self.silent:
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def target_of(url) -> tuple[str, int] | str:
    """Where a SQLAlchemy URL's server listens: (host, port), or the Unix socket of a server reached through
    `?host=/dir` (the embedded one)."""
    host = url.query.get("host")
    if host:
        return f"{host if isinstance(host, str) else host[0]}/.s.PGSQL.{url.port or 5432}"
    if url.host and url.host.startswith("/"):
        return f"{url.host}/.s.PGSQL.{url.port or 5432}"
    return (url.host or "127.0.0.1", url.port or 5432)


def via(url, port: int):
    """The same URL, reaching its server through a proxy listening on 127.0.0.1:port."""
    return url.set(host="127.0.0.1", port=port, query={k: v for k, v in url.query.items() if k != "host"})

