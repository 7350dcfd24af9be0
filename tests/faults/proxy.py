"""A loopback TCP proxy in front of the database that a test can switch down and back up."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Self

from tests.fakes.loopback import Running

CHUNK = 65536


class Proxy(Running):
    """Forwards 127.0.0.1:`port` to `upstream`. `down()` cuts every live connection and closes
    new ones at once; `up()` forwards again; `drop()` cuts the live ones and stays up;
    `freeze()` stops forwarding without closing anything (new connections are accepted and left
    waiting), as a paused server or a hung proxy on the way: every packet is still
    acknowledged, nothing is ever answered."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self._up = True
        self._flowing = threading.Event()
        self._flowing.set()
        self.accepted = 0  # connections the bot opened, forwarded or not
        self._thread = threading.Thread(target=self._accept, name="db-proxy", daemon=True)

    @property
    def port(self) -> int:
        """The port the bot connects to."""
        return int(self._listener.getsockname()[1])

    def start(self) -> Self:
        """Accept connections in a daemon thread."""
        self._thread.start()
        return self

    def down(self) -> None:
        """The database is gone: live connections are cut, new ones closed on arrival."""
        with self._lock:
            self._up = False
        self._flowing.set()  # what waited in a freeze meets the cut
        self.drop()

    def up(self) -> None:
        """The database is back (or thawed: what was held goes through)."""
        with self._lock:
            self._up = True
        self._flowing.set()

    def freeze(self) -> None:
        """The database stops answering, every connection left open."""
        self._flowing.clear()

    def drop(self) -> None:
        """Cut every live connection, both ways (the server sees its client go, and lets go of
        its locks)."""
        with self._lock:
            live, self._live = self._live, set()
        for sock in live:
            _cut(sock)

    def stop(self) -> None:
        """Stop listening and cut everything."""
        self.down()
        _cut(self._listener)
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.accepted += 1
                up = self._up
                if up:
                    self._live.add(client)
            if not up:
                _cut(client)
                continue
            threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        self._flowing.wait()  # a frozen proxy holds a new connection open, unanswered
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _cut(client)
            return
        server.settimeout(None)
        with self._lock:
            up = self._up and client in self._live  # it may have gone down meanwhile
            if up:
                self._live.add(server)
        if not up:
            _cut(client)
            _cut(server)
            return
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(CHUNK):
                self._flowing.wait()
                sink.sendall(chunk)
        except OSError:
            pass
        with self._lock:
            self._live.difference_update((source, sink))
        _cut(source)
        _cut(sink)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
