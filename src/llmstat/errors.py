"""The one exception family the core raises; the CLI turns it into ``Error: <file>: <what>``."""

from __future__ import annotations


class LlmstatError(Exception):
    """An input that cannot be read. ``source`` says which; the message says what and where."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class InputError(LlmstatError):
    """The bytes are not a recording llmstat can read (corrupt, truncated, hostile)."""


class NotARecording(InputError):
    """No recording format was recognised; skipped with a warning while walking directories."""


class SizeLimitExceeded(InputError):
    """Decompression or a length field went past the configured cap."""


class InputErrors(LlmstatError):
    """Several inputs could not be read; ``errors`` holds each one's error, in input order."""

    def __init__(self, errors: list[LlmstatError]) -> None:
        super().__init__(f"{len(errors)} inputs could not be read; the first: {errors[0]}")
        self.errors = errors
