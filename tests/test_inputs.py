"""Walking folders: every file as os.path.join would name it, in sorted order, whatever the
folder's own name ends with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmstat.sources.inputs import iter_input_paths


@pytest.mark.parametrize("suffix", ["", os.sep, os.sep + "." + os.sep])
def test_a_walk_names_files_as_os_path_join_does(tmp_path: Path, suffix: str) -> None:
    for rel in ["a.sse", "sub/b.har", "sub/deeper/c.cap", ".hidden/d.sse", "sub/.e.sse", "f.cap.tmp"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"data: {}\n\n")
    top = str(tmp_path) + suffix
    want = sorted(
        os.path.join(root, f)
        for root, dirs, files in os.walk(top)
        if not os.path.basename(root).startswith(".")
        for f in files
        if not f.startswith(".") and not f.endswith(".cap.tmp")
    )
    assert list(iter_input_paths([top])) == [(p, True) for p in want]
    assert len(want) == 3
