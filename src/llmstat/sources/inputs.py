"""What an input is (a path as given, or a file met walking a folder), how inputs are read, and
what one gave. Kept apart from the reading (``sources.pipeline``): what takes results in (the
commands, the llama-swap join) needs these, not the code that reads."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import field

from llmstat.dataclass import dataclass
from llmstat.errors import LlmstatError
from llmstat.framing.encoding import DEFAULT_BODY_CAP
from llmstat.record import Record, Skipped, pickled_by_position


@pickled_by_position
@dataclass(slots=True)
class InputResult:
    """What one input gave: records, skipped entries, input-level warnings, and the error if any."""

    source: str
    records: list[Record] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: LlmstatError | None = None
    # met while walking a directory: what is no recording there is skipped, not an error
    walked: bool = False


@dataclass(slots=True, frozen=True)
class Options:
    """How inputs are read (the same for every input of a run)."""

    max_size: int = DEFAULT_BODY_CAP


def iter_input_paths(paths: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Each input as given, directories walked in sorted path order; ``True`` marks walked files."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found: list[str] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                names = set(files)
                # os.path.join's: a call of Python per file was most of walking a folder of
                # thousands (20,000 small dumps: 44 ms, twice, before the first is read)
                prefix = root if root.endswith(os.sep) else root + os.sep
                found.extend([prefix + f for f in files if not _left_alone(f, names)])
            for f in sorted(found):
                yield f, True
        else:
            yield path, False


# SQLite's files beside a database (read through it, never alone)
_SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def _left_alone(name: str, beside: set[str]) -> bool:
    """Files a walk skips: hidden ones (llama-swap's ``.tmp-*`` among them), llama-swap's
    half-written ``*.cap.tmp``, and the sidecars of a database in the same folder."""
    if name.startswith(".") or name.endswith(".cap.tmp"):
        return True
    # most names end with no sidecar's suffix: one C call says so, not a generator per name
    return name.endswith(_SQLITE_SIDECARS) and any(
        name.endswith(s) and name[: -len(s)] in beside for s in _SQLITE_SIDECARS
    )


Item = tuple[str, bool, Options]


def items_of(inputs: list[tuple[str, bool]], options: Options) -> list[Item]:
    """What each input's read is given (``pipeline.read_one``'s argument)."""
    return [(p, walked, options) for p, walked in inputs]


def worth_a_pool(items: list[Item], jobs: int) -> bool:
    if jobs <= 1 or len(items) < 2 or any(p == "-" for p, _, _ in items):
        return False
    from llmstat.sources.parallel import POOL_MIN_BYTES, POOL_MIN_FILES

    if len(items) >= POOL_MIN_FILES:
        return True
    total = 0
    for path, _, _ in items:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
        if total >= POOL_MIN_BYTES:
            return True
    return False
