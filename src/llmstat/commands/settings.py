"""Settings that persist: option defaults from config files and ``LLMSTAT_*`` variables.

Precedence, as people expect it: a flag on the command line, else an environment variable
(``LLMSTAT_TZ``, ``LLMSTAT_PRICES``, ``LLMSTAT_WINDOW``: ``LLMSTAT_`` and the option's long name
in capitals, dashes as underscores), else ``./llmstat.toml`` (the project's), else the user's
``$XDG_CONFIG_HOME/llmstat/config.toml`` (``~/.config/llmstat/config.toml``)::

    tz = "Europe/Berlin"           # any option, for every command that has it
    prices = "prices.toml"         # a path is read from the config file's folder
    [summarize]                    # or for one command ([captures.list] for a subcommand)
    window = "5h"
    window-anchor = "server"

They become click's ``default_map``, which a flag always overrides.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import typer

PROJECT_FILE = "llmstat.toml"
ENV_PREFIX = "LLMSTAT_"
# options whose value is a file: a relative path in a config file is relative to that file
_PATH_OPTIONS = frozenset({"prices"})


def user_config() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "llmstat" / "config.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; tomllib is imported only for a file
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise typer.BadParameter(f"{path}: {e}", param_hint="config file") from None
    import tomllib

    try:
        with fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        # a usage error (exit 2), naming the file
        raise typer.BadParameter(f"{path}: {e}", param_hint="config file") from None
    return _resolved(doc, path.parent)


def _resolved(doc: dict[str, Any], folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            out[key] = _resolved(value, folder)
        elif key in _PATH_OPTIONS and isinstance(value, str):
            out[key] = str(folder / os.path.expanduser(value))
        else:
            out[key] = value
    return out


# click's objects are read by their attributes: typer may bring a click of its own
Command = Any


def _commands(group: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command under the group, with its path of names (``("captures", "list")``)."""
    commands = getattr(group, "commands", None)
    if isinstance(commands, dict):
        for name, cmd in commands.items():
            yield from _commands(cmd, (*path, name))
    elif path:
        yield path, group


def _options(cmd: Command) -> dict[str, Any]:
    """Each option by its long name without dashes (``window-anchor``)."""
    out: dict[str, Any] = {}
    for p in cmd.params:
        if p.param_type_name == "option":
            for opt in p.opts:
                if opt.startswith("--") and opt != "--help":
                    out.setdefault(opt[2:], p)
    return out


def _section(doc: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The top-level keys that are no section, overlaid by each section on the way to ``path``."""
    values = {k: v for k, v in doc.items() if not isinstance(v, dict)}
    node: Any = doc
    for name in path:
        node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict):
            values.update({k: v for k, v in node.items() if not isinstance(v, dict)})
    return values


def default_map(
    group: Command, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """click's ``default_map`` for ``group``: env over the project file over the user's file."""
    environ = os.environ if env is None else env
    files = [_read(user_config()), _read((cwd or Path.cwd()) / PROJECT_FILE)]
    out: dict[str, Any] = {}
    for path, cmd in _commands(group):
        options = _options(cmd)
        values: dict[str, Any] = {}
        for doc in files:
            for key, value in _section(doc, path).items():
                param = options.get(key)
                if param is not None and param.name is not None:
                    values[param.name] = [value] if param.multiple and isinstance(value, str) else value
        for key, param in options.items():
            value = environ.get(ENV_PREFIX + key.upper().replace("-", "_"))
            if value is not None and param.name is not None:
                values[param.name] = value.split(",") if param.multiple else value
        if values:
            node = out
            for name in path[:-1]:
                node = node.setdefault(name, {})
            node[path[-1]] = values
    return out
