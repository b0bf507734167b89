"""The house rules, read from the code: what each layer may import, and where browser-session
state may be touched.

Layers, lowest first: ``scoring`` (pure rules) < ``intake`` (storage, workflow; its use cases in
``intake.usecases`` on top) < ``ui`` (Streamlit renderers) < ``pages`` and ``app.py`` (entry
scripts). A module may import its own layer and the ones below, never one above. Every import
counts, including those inside functions, since they run all the same.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("scoring", "intake", "ui", "pages")

# Where ``st.session_state`` may be read or written, and why. Everything else goes through these
# (the participant's Wizard, the staff's StaffState) or through a widget's return value.
SESSION_STATE_ALLOWED = {
    "ui/participant/state.py": "the participant's one state module (Wizard)",
    "ui/staff/state.py": "the staff side's one state module (StaffState)",
    # Renders each questionnaire item as a widget keyed by its item id, and keeps the multi-choice
    # pills' exclusive option alone by rewriting that widget's own value in its on_change callback.
    "ui/widgets.py": "the item widgets' own keys",
    # Not a person's state: the router's mark that this browser session passed the readiness
    # check once, so later clicks skip the database round trip. Both sides run it before any page.
    "ui/readiness.py": "the router's once-per-session readiness mark",
    # The language this browser session chose (the menu needs it before any page's state is
    # loaded, staff pages included) and the language switch's own widget key.
    "ui/i18n.py": "the session's language and the switch's key",
}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the checkout, e.g. "ui/widgets.py"
    line: int
    module: str  # absolute, e.g. "intake.db"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def _sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, tree: ast.Module) -> list[Import]:
    relative = path.relative_to(ROOT).as_posix()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(relative, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # ``from intake import db`` imports the module intake.db: count both names.
            found.append(Import(relative, node.lineno, module))
            found += [Import(relative, node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _parsed() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(), filename=str(path)) for path in _sources()}


PARSED = _parsed()
IMPORTS = [imp for path, tree in PARSED.items() for imp in _imports(path, tree)]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _importer_within(imp: Import, prefix: str) -> bool:
    return imp.path == prefix or imp.path.startswith(prefix + "/")


# (who, what it must not import, why)
RULES = [
    (
        "scoring",
        ("intake", "ui", "pages", "app", "streamlit", "sqlalchemy"),
        "scoring is the pure rules module",
    ),
    ("intake", ("ui", "pages", "app", "streamlit"), "intake never draws"),
    # Database sessions are opened (and their errors turned into intake.Unavailable) by intake's
    # use cases, so nothing above intake touches SQLAlchemy or intake.db's sessions.
    ("ui", ("pages", "app", "sqlalchemy", "intake.db"), "ui draws; intake's use cases reach the database"),
    ("pages", ("app", "sqlalchemy", "intake.db"), "pages draw through ui and call intake's use cases"),
    ("app.py", ("pages", "sqlalchemy", "intake.db"), "app.py routes through ui.navigation"),
    ("ui/participant", ("ui.staff",), "the participant's screens and the staff workspace stay apart"),
    ("ui/staff", ("ui.participant",), "the staff workspace and the participant's screens stay apart"),
]


@pytest.mark.parametrize(("who", "forbidden", "why"), RULES, ids=[rule[0] for rule in RULES])
def test_no_module_imports_above_its_layer(who: str, forbidden: tuple[str, ...], why: str) -> None:
    wrong = [
        str(imp)
        for imp in IMPORTS
        if _importer_within(imp, who) and any(_within(imp.module, f) for f in forbidden)
    ]
    assert not wrong, f"{why}:\n" + "\n".join(sorted(set(wrong)))


def test_intake_data_modules_do_not_import_the_use_cases_above_them() -> None:
    wrong = [
        str(imp)
        for imp in IMPORTS
        if _importer_within(imp, "intake")
        and not _importer_within(imp, "intake/usecases")
        and _within(imp.module, "intake.usecases")
    ]
    assert not wrong, "intake.usecases is built on the data modules, not under them:\n" + "\n".join(wrong)


def _session_state_uses(tree: ast.Module) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr == "session_state") or (
            isinstance(node, ast.ImportFrom) and any(a.name == "session_state" for a in node.names)
        ):
            lines.append(node.lineno)
    return lines


def test_session_state_only_in_the_state_modules_and_widget_keys() -> None:
    wrong = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path, tree in PARSED.items()
        if path.relative_to(ROOT).as_posix() not in SESSION_STATE_ALLOWED
        for line in sorted(set(_session_state_uses(tree)))
    ]
    assert not wrong, "st.session_state outside the state modules (see SESSION_STATE_ALLOWED):\n" + "\n".join(
        wrong
    )


def test_the_allowed_session_state_modules_exist() -> None:
    # A moved or renamed state module must not leave a stale permission behind.
    missing = [path for path in SESSION_STATE_ALLOWED if not (ROOT / path).is_file()]
    assert not missing, missing


def test_the_reader_sees_relative_and_nested_imports() -> None:
    tree = ast.parse("from . import texts\nfrom .state import Wizard\ndef f():\n    import sqlalchemy\n")
    modules = {imp.module for imp in _imports(ROOT / "ui" / "participant" / "wizard.py", tree)}
    assert {"ui.participant.texts", "ui.participant.state.Wizard", "sqlalchemy"} <= modules
