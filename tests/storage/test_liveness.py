"""A pooled connection's liveness read from its socket, without a round trip: quiet is alive,
closed by the other side (a server restart, a cut on the way) or holding anything unasked is
worth a ping."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from creatorbot.storage.liveness import has_news


class Held:
    """What the check sees of a connection: its socket's descriptor."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def fileno(self) -> int:
        return self.sock.fileno()


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_a_quiet_connection_has_no_news(pair: tuple[socket.socket, socket.socket]) -> None:
    assert not has_news(Held(pair[0]))


def test_a_connection_the_server_closed_has_news(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    pair[1].close()
    assert has_news(Held(pair[0]))


def test_something_said_unasked_is_news(pair: tuple[socket.socket, socket.socket]) -> None:
    pair[1].sendall(b"N")
    assert has_news(Held(pair[0]))


def test_a_connection_closed_on_our_side_has_news(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    pair[0].close()
    assert has_news(Held(pair[0]))
