"""YAML read with the line of every mapping and of every value in it, so that errors name file and line.

The catalog and the form definitions are both written by hand; both report problems as `file:line: reason`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


class LineMapping(dict[str, Any]):
    """A YAML mapping with the line it starts on and the line of each value (1-based; 0 when unknown)."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[str, int] = {}


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings are LineMappings."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMapping:
    loader.flatten_mapping(node)
    mapping = LineMapping()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = value_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, error: Callable[[str, int, str], Exception]) -> Any:
    """The document in `path`; a syntax error or an unreadable file raises `error(file, line, reason)`."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as problem:
        line = problem.problem_mark.line + 1 if problem.problem_mark else 0
        raise error(str(path), line, f"YAML syntax error: {problem.problem}") from problem
    except (OSError, UnicodeDecodeError) as problem:
        raise error(str(path), 0, f"cannot read: {problem}") from problem
