"""Coverage-guided fuzzing of source sniffing and every parser (run on demand, not in CI).

    pip install atheris
    python fuzz/fuzz_llmstat.py -max_total_time=300 fixtures/ fuzz/corpus/

Seeds come from the directories given (the bundled fixtures are a good start). Anything but
llmstat's own LlmstatError escaping the parser is a finding.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    # the public API imports the pipeline lazily: import it here so it is instrumented too
    import llmstat.sources.pipeline
    import llmstat.sources.safe_yaml  # imported when a YAML cassette is read: instrument it too
    from llmstat import records_from_bytes
    from llmstat.errors import LlmstatError

assert llmstat.sources.pipeline


def one_input(data: bytes) -> None:
    try:
        for r in records_from_bytes(data, "fuzz"):
            r.as_dict()
    except LlmstatError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
