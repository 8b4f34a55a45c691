"""The house holds to its plan (docs/DESIGN.md, "The layers"): every import runs down or stays in
its own package, no circle of imports, no room over 300 lines, nothing loose at the library's
root, and each chapter's lessons reach only their own domain package."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("paddle_course", "chapters", "tools", "benchmarks")
MAX_LINES = 300
DOMAINS = {"ch04": "vision", "ch05": "detection", "ch06": "text", "ch07": "recommendation"}


def floors():
    """{package prefix: floor} from the table in docs/DESIGN.md (``| 3 | `tools` | ...``)."""
    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    section = text.split("## 1. The layers", 1)[1].split("\n## ", 1)[0]
    found = {}
    for floor, cell in re.findall(r"^\|\s*(\d+)\s*\|([^|]+)\|", section, flags=re.M):
        for name in re.findall(r"`([\w.]+)`", cell):
            found[name] = int(floor)
    return found


def modules():
    """{module name: path} of every Python file of the project (tests excepted)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name, path, known):
    """The project's modules that ``name`` imports (at the top or inside a function)."""
    targets = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            candidates = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
                break
    return targets


@pytest.fixture(scope="module")
def graph():
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def floor_of(module, table):
    """(floor, package) of ``module``: the longest prefix the table names."""
    best = None
    for prefix, floor in table.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[1]):
                best = (floor, prefix)
    return best


def test_the_design_names_every_module_s_floor(graph):
    table = floors()
    assert len(set(table.values())) >= 8, table
    unplaced = [m for m in graph if floor_of(m, table) is None]
    assert not unplaced, f"modules on no floor of docs/DESIGN.md: {unplaced}"


def test_every_import_runs_down_or_stays_in_its_package(graph):
    table = floors()
    wrong = []
    for module, targets in graph.items():
        floor, package = floor_of(module, table)
        for target in targets:
            their_floor, their_package = floor_of(target, table)
            if module == "paddle_course" or target == "paddle_course":
                continue  # the face: importing any module of the library runs it first
            if their_floor > floor or (their_floor == floor and their_package != package):
                if package in ("chapters", "benchmarks") and their_package == package:
                    continue
                wrong.append(f"{module} (floor {floor}) -> {target} (floor {their_floor})")
    assert not wrong, "imports that run up a floor or across one:\n" + "\n".join(wrong)


def test_no_circle_of_imports(graph):
    """Tarjan's strongly connected components: any with two modules or more is a circle."""
    index, low, on_stack, stack, circles = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_a_chapter_reaches_only_its_own_domain_and_lessons(graph):
    wrong = []
    for module, targets in graph.items():
        if not module.startswith("chapters.ch"):
            continue
        chapter = module.split(".")[1][:4]
        for target in targets:
            if target.startswith("chapters.ch") and target.split(".")[1][:4] != chapter:
                wrong.append(f"{module} -> {target}")
            for other, domain in DOMAINS.items():
                if other != chapter and target.startswith(f"paddle_course.{domain}"):
                    wrong.append(f"{module} -> {target}")
    assert not wrong, wrong


def test_no_room_over_300_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by concept): {long}"


def test_the_library_root_holds_its_face_and_its_spine_only():
    loose = sorted(p.name for p in (ROOT / "paddle_course").glob("*.py"))
    assert loose == ["__init__.py", "errors.py"], loose


def test_the_architecture_reader_sees_real_imports(graph):
    """The oracle itself: it finds imports of every form the code uses (a check that saw no
    arrows would pass everything)."""
    assert "paddle_course.errors" in graph["paddle_course.lesson.entry"]
    assert "paddle_course.runtime.distributed" in graph["paddle_course.engine.trainer"]
    assert "benchmarks.workload" in graph["benchmarks.child"]  # imported inside a function
    assert "tools.figure" in graph["tools.plot"]


def test_every_reference_to_the_design_resolves():
    """``docs/DESIGN.md §N`` in the code names a section that exists."""
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", design, flags=re.M))
    cited = []
    for path in modules().values():
        text = path.read_text(encoding="utf-8")
        cited += [(path.name, n) for n in re.findall(r"DESIGN\.md\s+§(\d+)", text)]
        assert "DESIGN.md" not in text or "docs/DESIGN.md" in text, f"{path}: cite docs/DESIGN.md"
    assert cited, "no module cites the design"  # the check reads something
    missing = [c for c in cited if c[1] not in sections]
    assert not missing, f"references to sections docs/DESIGN.md lacks: {missing}"


def test_the_tests_mirror_the_packages():
    """``tests/<package path>/test_<module or concept>.py`` for a package's tests; at the top of
    tests/ only the checks of the whole course (architecture, README, hostile inputs, faults)."""
    misplaced = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        folder = path.parent.relative_to(ROOT / "tests")
        if folder.parts and not (ROOT / folder / "__init__.py").is_file():
            misplaced.append(str(path.relative_to(ROOT)))
    top = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert not misplaced, f"test files in folders that mirror no package: {misplaced}"
    assert len(top) <= 6, f"tests of single packages belong in their package's folder: {top}"
