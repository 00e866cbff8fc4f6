"""llmstat's performance bench: generate the corpora, time llmstat and the baselines, print a table.

    python bench/bench.py              # corpora are made once under bench/corpus/ (~1 GB)
    python bench/bench.py --runs 7 --write bench/RESULTS.md
    python bench/bench.py --only har   # one section (startup, sse, shapes, har): printed, not written

Whole-process wall times of ``llmstat`` (the one installed beside this Python, or ``$LLMSTAT``),
medians of ``--runs`` runs after one warm-up run (warm page cache), and the peak RSS of each
process tree (``wait4``: the largest resident set of the process and the children it waited
for, pool workers included), each command started by a small launcher so that the bench's own
memory is not counted (see ``_LAUNCHER``). Baselines: ``grep -c usage`` over the same files (its output
read from a pipe: GNU grep stops early when it writes to /dev/null), and a Python script that
parses every streamed event with orjson. Targets are those of issue 5.

This is a script, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus_gen  # noqa: E402

CORPUS = HERE / "corpus"
HAR_SIZE = 170 << 20
SECTIONS = ("startup", "sse", "shapes", "har")

# The parse-every-event baseline: what a straightforward reader does (every data line parsed).
BASELINE = r"""
import sys, orjson
total = {"input": 0, "output": 0}
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        for line in fh:
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if not payload or payload == b"[DONE]":
                continue
            obj = orjson.loads(payload)
            usage = obj.get("usage") or (obj.get("message") or {}).get("usage") or (
                (obj.get("response") or {}).get("usage") if isinstance(obj.get("response"), dict) else None)
            if isinstance(usage, dict):
                total["input"] += usage.get("prompt_tokens") or usage.get("input_tokens") or 0
                total["output"] += usage.get("completion_tokens") or usage.get("output_tokens") or 0
print(orjson.dumps(total).decode())
"""


NOTES = """Notes. Priced runs are measured as users run them after their first one: with the
price cache that llmstat keeps beside the user's other caches (`~/.cache/llmstat`), so they do
not import genai-prices (pydantic and httpx under it); the figure "without the price cache" is
a first run, or one after genai-prices was upgraded: 0.1 to 0.15 s more over the SSE dumps. On this
virtual machine the same CPU-bound command varies by about ±20 % from one minute to the next;
ratios are medians over rounds in which the compared commands ran in turn.

The shapes of issue 16 (`summarize DIR --format json --no-requests`) are each measured beside
their floor: `grep -c usage` over the same files, `zstd -dc` over the `.cap` blobs. Their note
gives the ratio of CPU time (user + system of the process tree) as well: on this shared 2-core
machine the wall time of a run also holds the time it waited for a core, which the one-process
floor suffers less than llmstat's two. The note also gives llmstat's start-up, the same command
over an empty folder (Python, typer and llmstat's own modules, before a byte is read), and the
reading after it (a run less that start-up) as a ratio to the floor: over corpora that `grep`
reads in 50 to 130 ms, most of the wall ratio is that fixed cost. The HAR rows are timed alone,
not beside a floor, and move with the machine's load more than any other row."""


def llmstat_command() -> list[str]:
    if os.environ.get("LLMSTAT"):
        return os.environ["LLMSTAT"].split()
    beside = Path(sys.executable).with_name("llmstat")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("llmstat")
    if found:
        return [found]
    return [sys.executable, "-m", "llmstat"]


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    # Measure llmstat as users run it: with its bytecode cached.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# CPU seconds (user + system, the process tree) of each command run, by command: on a machine
# shared with others the wall time of a run also holds the time it waited for a core.
CPU: dict[tuple[str, ...], list[float]] = {}


# Each command is started by this small launcher, not by the bench itself: Linux carries the
# largest resident set of a process across exec (``ru_maxrss`` of ``/bin/true`` forked from a
# 160 MB process says 160 MB), so a command forked from the bench would report at least the
# bench's own peak (corpora, results). Forked from a fresh interpreter, it reports its own, with
# that interpreter's few MB as a floor. The launcher times the command from fork to exit and
# writes wall seconds, CPU seconds of the process tree, peak RSS (KiB) and the exit status to
# the file descriptor it is given.
_LAUNCHER = r"""
import os, sys, time
fd = int(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(fd)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
report = f"{wall} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)}"
os.write(fd, report.encode())
"""


def _launched(cmd: list[str], env: dict[str, str], stdout: Any) -> tuple[subprocess.Popen[bytes], int]:
    back_r, back_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(back_w), *cmd],
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        env=env,
        pass_fds=(back_w,),
    )
    os.close(back_w)
    return proc, back_r


def _report(cmd: list[str], proc: subprocess.Popen[bytes], back_r: int) -> tuple[float, int]:
    proc.wait()
    with os.fdopen(back_r, "rb") as fh:
        wall_s, cpu_s, rss_s, code_s = fh.read().split()
    CPU.setdefault(tuple(cmd), []).append(float(cpu_s))
    proc.returncode = int(code_s)
    return float(wall_s), int(rss_s)


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS in KiB (the process tree), and stdout."""
    with tempfile.TemporaryFile() as out:
        proc, back_r = _launched(cmd, env, out)
        wall, rss = _report(cmd, proc, back_r)
        out.seek(0)
        data = out.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]}... exited with {proc.returncode}")
    return wall, rss, data


def run_piped(cmd: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Like run_once, stdout read from a pipe (grep -c must really count)."""
    proc, back_r = _launched(cmd, env, subprocess.PIPE)
    assert proc.stdout is not None
    data = proc.stdout.read()
    wall, rss = _report(cmd, proc, back_r)
    return wall, rss, data


def measure(cmd: list[str], runs: int, env: dict[str, str], piped: bool = False) -> tuple[float, int]:
    """Median wall seconds and the largest peak RSS (KiB) over ``runs`` runs, after a warm-up."""
    once = run_piped if piped else run_once
    once(cmd, env)
    walls, rss = [], 0
    for _ in range(runs):
        wall, peak, _ = once(cmd, env)
        walls.append(wall)
        rss = max(rss, peak)
    return statistics.median(walls), rss


def measure_together(
    cmds: dict[str, tuple[list[str], bool]], runs: int, env: dict[str, str]
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Wall seconds of each command, run in turn ``runs`` times after a warm-up of each.

    Taking turns makes ratios robust to the machine's speed drifting during the bench (a
    virtual machine's neighbours): compare runs of the same round, not medians of far apart ones.
    """
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    rss = dict.fromkeys(cmds, 0)
    for cmd, piped in cmds.values():
        (run_piped if piped else run_once)(cmd, env)
        CPU.pop(tuple(cmd), None)  # the warm-up's
    for _ in range(runs):
        for key, (cmd, piped) in cmds.items():
            wall, peak, _ = (run_piped if piped else run_once)(cmd, env)
            walls[key].append(wall)
            rss[key] = max(rss[key], peak)
    return walls, rss


def ratio(walls: dict[str, list[float]], a: str, b: str) -> float:
    """Median over rounds of a's time divided by b's."""
    return statistics.median(x / y for x, y in zip(walls[a], walls[b], strict=True))


# The shapes of issue 16: (key, label, floor command, target ratio to the floor).
SHAPES = (
    ("llama_server_chat", 'llama-server chat streams (`"choices"` first, usage + timings last)', "grep", 2.0),
    ("llamacpp_completion", "llama.cpp native `/completion` streams", "grep", 2.5),
    ("gemini_sse", "Gemini `alt=sse` streams (CRLF, usageMetadata on every chunk)", "grep", 2.5),
    ("ollama_chat", "Ollama `/api/chat` NDJSON", "grep", 2.0),
    ("sse-appended", "~1 MB dumps of many short responses appended", "grep", 2.5),
    ("small", "20,000 small dumps of 1-10 KB", "grep", 8.0),
    ("captures", "10,000 llama-swap `.cap` blobs (`db-<id>/<id/1000>/<id>.cap`)", "zstd", 4.0),
)


def make_corpora(sections: set[str]) -> dict[str, object]:
    print("generating corpora under", CORPUS, "(once)...", file=sys.stderr, flush=True)
    corpora: dict[str, object] = {}
    if "sse" in sections:
        corpora["sse"] = corpus_gen.write_sse_corpus(CORPUS / "sse")
        corpora["sse-appended"] = corpus_gen.write_sse_corpus(CORPUS / "sse-appended", appended=True)
    if "shapes" in sections:
        for key in ("llama_server_chat", "llamacpp_completion", "gemini_sse", "ollama_chat"):
            kind = "ndjson" if key == "ollama_chat" else "sse"
            corpora[key] = corpus_gen.write_stream_corpus(CORPUS / key, key, kind)
        corpora["small"] = corpus_gen.write_small_corpus(CORPUS / "small")
        corpora["captures"] = corpus_gen.write_capture_corpus(CORPUS / "captures")
        if "sse-appended" not in corpora:
            corpora["sse-appended"] = corpus_gen.write_sse_corpus(CORPUS / "sse-appended", appended=True)
    if "har" in sections:
        corpora["har"] = corpus_gen.write_har(CORPUS / "chrome.har", HAR_SIZE)
        corpora["har2"] = corpus_gen.write_har(CORPUS / "chrome-x2.har", HAR_SIZE, copies=2)
        corpora["har-min"] = corpus_gen.write_har(CORPUS / "playwright.har", HAR_SIZE, layout="minified")
        corpora["har-py"] = corpus_gen.write_har(CORPUS / "python.har", HAR_SIZE, layout="python")
    return corpora


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model or 'unknown CPU'}), "
        f"Python {platform.python_version()}"
    )


def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


Row = tuple[str, str, str, str, str]  # what, measured, target, met, note


def mb(paths: object) -> float:
    items = paths if isinstance(paths, list) else [paths]
    return sum(Path(p).stat().st_size for p in items) / 1e6


def startup_rows(llmstat: list[str], env: dict[str, str], runs: int) -> list[Row]:
    rows: list[Row] = []
    walls, _ = measure_together(
        {
            "bare": ([sys.executable, "-c", "pass"], False),
            "version": ([*llmstat, "--version"], False),
            "help": ([*llmstat, "--help"], False),
        },
        runs,
        env,
    )
    med = {k: statistics.median(v) for k, v in walls.items()}
    rows.append(("`python -c pass`", f"{med['bare'] * 1000:.1f} ms", "", "", ""))
    for key in ("version", "help"):
        r = ratio(walls, key, "bare")
        rows.append(
            (f"`llmstat --{key}`", f"{med[key] * 1000:.1f} ms = {r:.1f}× bare", "≤ 8×", mark(r <= 8), "")
        )
    return rows


def sse_rows(corpora: dict[str, object], llmstat: list[str], env: dict[str, str], runs: int) -> list[Row]:
    rows: list[Row] = []
    for key, label in (("sse", "SSE dumps"), ("sse-appended", "SSE dumps, short responses appended")):
        files = [str(p) for p in corpora[key]]  # type: ignore[attr-defined]
        size = mb(corpora[key])
        directory = str(Path(files[0]).parent)
        summarize = [*llmstat, "summarize", directory, "--format", "json"]
        walls, rss = measure_together(
            {
                "grep": (["grep", "-c", "usage", *files], True),
                "llmstat": (summarize, False),
                "no-cost": ([*summarize, "--no-cost"], False),
                "cold": (["env", "LLMSTAT_NO_CACHE=1", *summarize], False),
                "one": ([*summarize, "-j", "1"], False),
                "baseline": ([sys.executable, "-c", BASELINE, *files], False),
            },
            runs,
            env,
        )
        med = {k: statistics.median(v) for k, v in walls.items()}
        n = len(files)
        rows.append(
            (f"{label}: `grep -c usage` ({n} files, {size:.0f} MB)", f"{med['grep']:.3f} s", "", "", "")
        )
        rows.append(
            (
                f"{label}: parse-every-event baseline",
                f"{med['baseline']:.3f} s, {rss['baseline'] / 1024:.0f} MB",
                "",
                "",
                "",
            )
        )
        rows.append(
            (
                f"{label}: `llmstat summarize DIR --format json`",
                f"{med['llmstat']:.3f} s = {size / med['llmstat']:.0f} MB/s, {rss['llmstat'] / 1024:.0f} MB",
                "",
                "",
                f"one process (`-j 1`): {med['one']:.3f} s; without the price cache (a first run): "
                f"{med['cold']:.3f} s; `--no-cost`: {med['no-cost']:.3f} s = "
                f"{ratio(walls, 'no-cost', 'grep'):.2f}× grep, "
                f"baseline ÷ it {ratio(walls, 'baseline', 'no-cost'):.1f}×",
            )
        )
        target = key == "sse"
        over_grep = ratio(walls, "llmstat", "grep")
        under_base = ratio(walls, "baseline", "llmstat")
        rows.append(
            (
                f"{label}: llmstat ÷ grep",
                f"{over_grep:.2f}×",
                "≤ 2.0×" if target else "",
                mark(over_grep <= 2.0) if target else "",
                "",
            )
        )
        rows.append(
            (
                f"{label}: baseline ÷ llmstat",
                f"{under_base:.1f}×",
                "≥ 5×" if target else "",
                mark(under_base >= 5) if target else "",
                "",
            )
        )
    return rows


def shape_rows(corpora: dict[str, object], llmstat: list[str], env: dict[str, str], runs: int) -> list[Row]:
    rows: list[Row] = []
    empty = CORPUS / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    for key, label, floor_name, target in SHAPES:
        files = [str(p) for p in corpora[key]]  # type: ignore[attr-defined]
        size = mb(corpora[key])
        directory = str(CORPUS / key)
        floor = ["grep", "-c", "usage", *files] if floor_name == "grep" else ["zstd", "-dcq", *files]
        ours = [*llmstat, "summarize", directory, "--format", "json", "--no-requests"]
        # the same run over an empty folder: what starting llmstat costs before a byte is read
        start = [*llmstat, "summarize", str(empty), "--format", "json", "--no-requests"]
        walls, rss = measure_together(
            {"floor": (floor, True), "llmstat": (ours, False), "start": (start, False)}, runs, env
        )
        med = {k: statistics.median(v) for k, v in walls.items()}
        over = ratio(walls, "llmstat", "floor")
        reading = statistics.median(
            (a - s) / f for a, s, f in zip(walls["llmstat"], walls["start"], walls["floor"], strict=True)
        )
        cpu = statistics.median(a / b for a, b in zip(CPU[tuple(ours)], CPU[tuple(floor)], strict=True))
        floor_label = "`grep -c usage`" if floor_name == "grep" else "`zstd -dc`"
        rows.append(
            (
                f"{label} ({len(files):,} files, {size:.0f} MB): llmstat ÷ {floor_label}",
                f"{over:.2f}× ({med['llmstat']:.2f} s vs {med['floor']:.2f} s)",
                f"≤ {target:g}×",
                mark(over <= target),
                f"start-up (an empty folder) {med['start']:.2f} s, the reading after it "
                f"{reading:.2f}× the floor; CPU time {cpu:.2f}× the floor's; {rss['llmstat'] / 1024:.0f} MB",
            )
        )

    return rows


def har_rows(corpora: dict[str, object], llmstat: list[str], env: dict[str, str], runs: int) -> list[Row]:
    rows: list[Row] = []
    har_rss = {}
    for key, label, floor in (
        ("har", "HAR, pretty-printed (Chrome)", 150),
        ("har2", "HAR, the same doubled", 150),
        ("har-min", "HAR, minified (Playwright)", 80),
        ("har-py", "HAR, Python json.dump layout (no indent, ', ' separators)", 80),
    ):
        size = mb(corpora[key])
        wall, rss = measure([*llmstat, "summarize", str(corpora[key]), "--format", "json"], runs, env)
        nocost, _ = measure(
            [*llmstat, "summarize", str(corpora[key]), "--format", "json", "--no-cost"], runs, env
        )
        har_rss[key] = rss
        rows.append(
            (
                f"{label}, {size:.0f} MB",
                f"{size / wall:.0f} MB/s ({wall:.2f} s)",
                f"≥ {floor} MB/s",
                mark(size / wall >= floor),
                f"`--no-cost`: {size / nocost:.0f} MB/s",
            )
        )
        rows.append((f"{label}: peak RSS", f"{rss / 1024:.0f} MB", "≤ 250 MB", mark(rss / 1024 <= 250), ""))
    growth = har_rss["har2"] / har_rss["har"]
    rows.append(
        ("HAR peak RSS, doubled ÷ single", f"{growth:.2f}×", "flat (≤ 1.1×)", mark(growth <= 1.1), "")
    )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median)")
    ap.add_argument("--startup-runs", type=int, default=21)
    ap.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    ap.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable): the table is printed, never written",
    )
    args = ap.parse_args()
    sections = set(args.only or SECTIONS)
    if args.write and sections != set(SECTIONS):
        ap.error("--write needs the whole bench: a partial table would drop the other rows")

    corpora = make_corpora(sections)
    env = bench_env()
    llmstat = llmstat_command()
    rows: list[Row] = []
    if "startup" in sections:
        rows += startup_rows(llmstat, env, args.startup_runs)
    if "sse" in sections:
        rows += sse_rows(corpora, llmstat, env, args.runs)
    if "shapes" in sections:
        rows += shape_rows(corpora, llmstat, env, args.runs)
    if "har" in sections:
        rows += har_rows(corpora, llmstat, env, args.runs)

    lines = [
        "| measurement | result | target | met | note |",
        "|---|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows),
    ]
    table = "\n".join(lines)
    head = (
        f"{dt.date.today().isoformat()}, {machine()}; medians of {args.runs} runs "
        f"({args.startup_runs} for start-up), warm page cache; llmstat: `{' '.join(llmstat)}`"
    )
    missed = [a for a, _, c, d, _ in rows if c and d != "yes"]
    summary = (
        "Every target met."
        if not missed
        else "Targets missed: " + "; ".join(m.split(" (")[0].strip("`") for m in missed) + "."
    )
    print(head)
    print()
    print(table)
    print()
    print(summary)
    if args.write:
        args.write.write_text(
            f"# Bench results\n\nMade by `python bench/bench.py --write bench/RESULTS.md` "
            f"(see its docstring for what is measured).\n\n{head}\n\n{table}\n\n{summary}\n\n{NOTES}\n"
        )


if __name__ == "__main__":
    main()
