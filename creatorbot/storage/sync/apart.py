"""A warehouse's chunks read in a process of their own, one ahead of the writes: the reading
(a million rows made into Python values, then into columns) runs on another core, beside the
validation and the write, instead of taking turns with them for the interpreter's lock.

The reader is a fresh interpreter (`main` below), never a fork of a bot running threads: what
to read arrives pickled on its stdin, the chunks leave pickled on its stdout (anything it
prints goes to stderr)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from creatorbot.storage.importers.kinds import BY_NAME
from creatorbot.storage.importers.read import Table
from creatorbot.storage.sync.sources import Query, Source
from creatorbot.storage.sync.stream import WarehouseError, chunks
from creatorbot.storage.sync.typed import typed

STOP_SECONDS = 5.0  # how long a reader that is told to stop may take before it is killed
_ITEM, _DONE, _FAILED = range(3)
_HOME = str(Path(__file__).resolve().parents[3])  # where this copy of creatorbot is imported from


@contextmanager
def read_apart(
    source: Source,
    query: Query,
    params: Mapping[str, Any],
    *,
    label: str,
    kind: str,
    units: Mapping[str, int],
) -> Iterator[Iterator[Table]]:
    """The query's chunks (`stream.chunks`), their counts and amounts typed already where
    validation could refuse none of a column's values, from a reading process one chunk ahead
    of the consumer. A failure of the warehouse is raised to the consumer as it would be read
    in place; when the block ends the reader is stopped."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_HOME, path]))}
    reader = subprocess.Popen(
        [sys.executable, "-c", f"from {__name__} import main; main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert reader.stdin is not None and reader.stdout is not None
    try:
        with reader.stdin as asked:
            what = (source, query, dict(params), label, kind, dict(units))
            pickle.dump(what, asked, protocol=pickle.HIGHEST_PROTOCOL)
        yield _received(reader.stdout)
    finally:
        reader.stdout.close()  # a reader writing to it stops on the broken pipe
        try:
            reader.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.wait()


def _received(pipe: IO[bytes]) -> Iterator[Table]:
    while True:
        try:
            what, value = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):
            raise WarehouseError("the warehouse's reading stopped before the last row") from None
        if what == _DONE:
            return
        if what == _FAILED:
            raise value
        yield value


def _serve(asked: IO[bytes], out: IO[bytes]) -> None:
    """In the reading process: every chunk down `out`, then the end or the failure."""
    source, query, params, label, kind, units = pickle.load(asked)
    spec = BY_NAME[kind]

    def send(what: int, value: Any) -> None:
        pickle.dump((what, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        for table in chunks(source, query, params, label=label):
            send(_ITEM, typed(spec, table, units))
        send(_DONE, None)
    except BrokenPipeError:
        return  # the consumer stopped
    except Exception as exc:  # raised again to the consumer, as it would be in place
        try:
            send(_FAILED, exc)
        except (pickle.PicklingError, TypeError, AttributeError):
            send(_FAILED, WarehouseError(f"{type(exc).__name__}: {exc}"))


def main() -> None:
    """The reading process: the pipe to the consumer is the stdout it was started with."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot corrupt a chunk
    with suppress(BrokenPipeError):
        try:
            _serve(sys.stdin.buffer, out)
        finally:
            out.close()
