from __future__ import annotations

import io

import pytest

from llmstat.report import progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_items_pass_through_unchanged_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress.with_progress(iter(range(50)), 50)) == list(range(50))
    assert capsys.readouterr().err == ""


def test_a_bar_is_drawn_on_a_terminal_for_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTTY()
    monkeypatch.setattr("sys.stderr", fake)
    monkeypatch.setattr(progress, "DELAY_S", -1.0)
    assert list(progress.with_progress(iter(range(5)), 5, "reading")) == list(range(5))
    assert "reading" in fake.getvalue()
