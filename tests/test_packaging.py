"""The package declares what it imports, requirements.txt locks all of it, and an installed wheel
works from any directory with its entry points and package data (rubrics, SQL, migrations, the
VADER lexicon), its database in the working directory."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES = ("canonical", "config", "cornerstone", "warehouse", "scoring", "dashboard")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier  # exactly one: name==version
        assert specifier.operator == "==", line
        pins[_name(requirement.name)] = specifier.version
    return pins


def _declared(extra: str | None = None) -> list[Requirement]:
    project = PYPROJECT["project"]
    lines = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def test_declared_dependencies_are_pinned_exactly_as_in_the_lock():
    lock = _lock()
    for requirement in _declared() + _declared("dev"):
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", requirement
        assert lock.get(_name(requirement.name)) == specifier.version, (
            f"{requirement} in pyproject.toml, {lock.get(_name(requirement.name))} in "
            "requirements.txt: run `make lock`"
        )


def test_every_third_party_import_of_the_product_is_a_declared_runtime_dependency():
    distributions = metadata.packages_distributions()
    declared = {_name(r.name) for r in _declared()}
    imported = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - set(PACKAGES)
    missing = {
        module: distributions.get(module)
        for module in third_party
        if not {_name(d) for d in distributions.get(module, [module])} & declared
    }
    assert missing == {}, "imported but not in [project] dependencies"


def test_the_lock_holds_every_transitive_dependency():
    lock = _lock()
    environment = default_environment()
    seen, todo = set(), [r for r in _declared() + _declared("dev")]
    while todo:
        requirement = todo.pop()
        name = _name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        assert name in lock, f"{name} (needed via {requirement}) is not in requirements.txt"
        for line in metadata.requires(requirement.name) or []:
            child = Requirement(line)
            if child.marker is None or child.marker.evaluate({**environment, "extra": ""}):
                todo.append(child)
    assert len(seen) > 40  # the ~50 transitive dependencies the issue counted, all pinned


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A wheel built from this checkout, installed into a new venv whose only other packages
    are the project venv's third-party ones (a path entry, so its editable install of this
    checkout is NOT active there). Returns the new venv's bin directory."""
    work = tmp_path_factory.mktemp("installed")
    source = work / "source"  # a copy: the build writes build/ and *.egg-info beside the code
    shutil.copytree(
        ROOT, source, symlinks=True,
        ignore=shutil.ignore_patterns(".*", "data", "build", "*.egg-info", "__pycache__", "tests"),
    )  # fmt: skip
    wheels = work / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(source)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("cornerstone_qa-*.whl")
    target = work / "venv"
    venv.create(target, with_pip=False)
    site = next((target / "lib").glob("python3*/site-packages"))
    dependencies = next(p for p in map(Path, sys.path) if p.name == "site-packages")
    (site / "project-dependencies.pth").write_text(f"{dependencies}\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install",
         "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return target / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str, timeout: float = 300) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CORNERSTONE_", "PYTHON"))}
    done = subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_installed_wheel_works_from_an_empty_directory(installed, tmp_path):
    empty = tmp_path / "anywhere"
    empty.mkdir()
    lib = installed.parent / "lib"
    shipped = _files(lib)
    package = next(lib.glob("python3*/site-packages"))
    assert (package / "scoring" / "nltk_data" / "sentiment" / "vader_lexicon.zip").is_file()
    assert len(list((package / "scoring" / "rubrics").glob("*.yaml"))) == 6
    assert len(list((package / "warehouse" / "migrations").glob("*.sql"))) >= 6
    assert len(list((package / "warehouse" / "queries").glob("*.sql"))) >= 10
    assert (package / "warehouse" / "access" / "common_passwords.txt").is_file()
    where = _run(installed, empty, "python", "-c",
                 "import cornerstone, scoring.loader as l, scoring.sentiment as s; "
                 "print(cornerstone.__file__); print(l.DEFAULT_RUBRICS_DIR); "
                 "print(s.PACKAGE_DATA_DIR)")  # fmt: skip
    site = str(installed.parent / "lib")
    assert all(line.startswith(site) for line in where.splitlines()), where  # not the checkout
    assert _run(installed, empty, "qa", "--version").strip().startswith("qa ")
    assert _run(installed, empty, "python", "-m", "cornerstone", "--version").startswith("qa ")
    rubrics = _run(installed, empty, "qa", "rubrics", "check")
    assert "OK: 5 rubrics" in rubrics
    demo = _run(installed, empty, "qa", "demo", "--conversations", "300", "--db", "./d.duckdb")
    assert "Done in" in demo and (empty / "d.duckdb").is_file()
    assert _run(installed, empty, "qa", "health", "--db", "d.duckdb").startswith("ok: ")
    canonical = ROOT / "tests" / "data" / "formats" / "canonical" / "conversations.jsonl"
    _run(installed, empty, "qa", "score-file", str(canonical), "-o", "scores.jsonl", "--quiet")
    assert len((empty / "scores.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    _run(installed, empty, "qa", "ingest", str(canonical))  # the default database: ./data/
    assert (empty / "data" / "cornerstone.duckdb").is_file()
    assert _files(lib) == shipped  # nothing written into the installed package


def _files(directory: Path) -> set[Path]:
    return {p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
