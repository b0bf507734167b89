"""What the benchmarks share: loading this checkout's test drivers by file path.

By path, not ``import tests...``: a site-packages "tests" package (textstat's newer releases
ship one) can shadow this checkout's tests/, which has no top-level __init__.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_by_path(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
