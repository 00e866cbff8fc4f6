"""YAML cassettes read safely: plain values only, bounded in depth, in size and by aliases.

PyYAML's parser (libyaml's, when the wheel has it) is iterative and hands out events; the
values are built here from those events, not by a PyYAML constructor: no tag can name a Python
callable, and no recursion can be driven by the input. Tags build plain values (``!!binary``
and Ruby's ``!binary`` base64 bytes, ``!ruby/object:...`` a dict, ``!!python/...`` whatever
plain value its node holds), since only the data inside a cassette matters to llmstat.

Aliases share the value they name, so a "billion laughs" costs no memory to build, but
anything that walks the result (re-serialising a parsed body) visits it once per reference:
each alias is counted as a copy of what it names, and a document that would expand past the
size of its own text (plus a margin) is refused.

PyYAML is imported here, when a YAML cassette is read, never when llmstat starts.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import field
from typing import Any

from llmstat.dataclass import dataclass
from llmstat.errors import InputError, SizeLimitExceeded

# Cassettes nest about ten deep, a parsed JSON body some dozens more.
MAX_DEPTH = 1000
# Values a document may expand to beyond one per byte of its text (which no alias-free document reaches)
NODE_MARGIN = 100_000

_STR = "tag:yaml.org,2002:str"
_BINARY = ("tag:yaml.org,2002:binary", "!binary")
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
# a mapping key that is itself a mapping or a list (``? [a, b]``): no cassette field is one
COMPLEX_KEY = "<complex key>"


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being built."""

    value: dict[Any, Any] | list[Any]
    anchor: str | None
    counted_before: int
    key: Any = field(default=None)
    has_key: bool = False


class _Builder:
    def __init__(self, loader: Any, max_depth: int, max_nodes: int) -> None:
        self.loader = loader
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.root: Any = None
        self.done = False

    def count(self, n: int) -> None:
        self.nodes += n
        if self.nodes > self.max_nodes:
            raise SizeLimitExceeded(
                f"YAML expands to more than {self.max_nodes} values through its aliases (an alias bomb?)"
            )

    def add(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            self.done = True
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        elif not top.has_key:
            top.key = value if isinstance(value, (str, int, float, bool, bytes, type(None))) else COMPLEX_KEY
            top.has_key = True
        else:
            top.value[top.key] = value
            top.has_key = False

    def open(self, value: dict[Any, Any] | list[Any], anchor: str | None) -> None:
        self.count(1)
        if len(self.stack) >= self.max_depth:
            raise InputError(f"YAML nests deeper than {self.max_depth} levels")
        self.stack.append(_Open(value, anchor, self.nodes))

    def close(self) -> None:
        top = self.stack.pop()
        if top.anchor is not None:
            self.anchors[top.anchor] = (top.value, self.nodes - top.counted_before + 1)
        self.add(top.value)

    def scalar(self, event: Any) -> None:
        self.count(1)
        value = self.plain(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self.add(value)

    def alias(self, anchor: str) -> None:
        # an anchor is known only once its node is complete: no alias can make a cycle
        if anchor not in self.anchors:
            raise InputError(f"YAML alias *{anchor[:64]} names no complete anchor")
        value, size = self.anchors[anchor]
        self.count(size)
        self.add(value)

    def plain(self, event: Any) -> Any:
        import yaml

        tag = event.tag
        text: str = event.value
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
        if tag == _STR:
            return text
        if tag in _BINARY:
            try:
                return base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                return text
        node = yaml.ScalarNode(tag, text)
        try:
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return self.loader.construct_yaml_bool(node)
            if tag == _INT:
                return self.loader.construct_yaml_int(node)
            if tag == _FLOAT:
                return self.loader.construct_yaml_float(node)
        except (ValueError, OverflowError):  # 5000 digits, or a malformed sexagesimal
            return text
        # timestamps stay text (llmstat reads its own), and every other tag is its plain text
        return text


def load_yaml(data: bytes, max_depth: int = MAX_DEPTH, max_nodes: int | None = None) -> Any:
    """The first YAML document in ``data`` as plain values; InputError when it is no YAML or too big."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(data)
    builder = _Builder(loader, max_depth, len(data) + NODE_MARGIN if max_nodes is None else max_nodes)
    try:
        while not builder.done and loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.ScalarEvent):
                builder.scalar(event)
            elif isinstance(event, yaml.MappingStartEvent):
                builder.open({}, event.anchor)
            elif isinstance(event, yaml.SequenceStartEvent):
                builder.open([], event.anchor)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                builder.close()
            elif isinstance(event, yaml.AliasEvent):
                builder.alias(event.anchor or "")
    except yaml.YAMLError as e:
        # the problem and the line, never the snippet: a cassette's lines hold API keys
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"invalid YAML{where}: {getattr(e, 'problem', None) or type(e).__name__}") from None
    finally:
        loader.dispose()
    return builder.root
