"""Every "docs/X.md §N" the code cites names a file of docs/ and a section heading of it
("## N. …"), so a reader of a docstring finds what it points to in the clone itself."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"docs/(\w+\.md)((?:[ ,;]*§\d+)*)")
SECTION = re.compile(r"§(\d+)")
HEADING = re.compile(r"^## (\d+)\. ", re.M)


def _references():
    for path in sorted((ROOT / "antq_desktop").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for found in REFERENCE.finditer(text):
            line = text.count("\n", 0, found.start()) + 1
            yield (f"{path.relative_to(ROOT)}:{line}", found.group(1),
                   SECTION.findall(found.group(2)))


def test_every_docs_reference_names_an_existing_file_and_section():
    refs = list(_references())
    assert len([r for r in refs if r[2]]) >= 30  # the code does cite its docs by section
    bad = []
    for where, name, sections in refs:
        doc = ROOT / "docs" / name
        if not doc.is_file():
            bad.append(f"{where}: docs/{name} does not exist")
            continue
        headings = set(HEADING.findall(doc.read_text(encoding="utf-8")))
        bad += [f"{where}: docs/{name} has no section {n}" for n in sections
                if n not in headings]
    assert bad == []


def test_no_reference_points_outside_the_repository():
    outside = [where for where, text in (
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
        for p in [*sorted((ROOT / "antq_desktop").rglob("*.py")), ROOT / "README.md"])
        if re.search(r"\.\./shared|(?<![\w/])(?:DOMAIN|DESIGN)\.md", text)]
    assert outside == []
