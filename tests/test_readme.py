"""The README's commands do what it says: the sample prints the text it names, every link resolves."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[list[str]]:
    return [block.strip().splitlines() for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S)]


def test_the_first_blocks_are_the_install_the_tests_and_the_sample():
    install, sample = code_blocks(README)[:2]
    assert len(install) == 2 and "pip install" in install[0] and "pytest" in install[1]
    assert len(sample) == 1 and sample[0].startswith(".venv/bin/textrecog samples/")


def test_the_sample_prints_what_the_readme_says():
    command = code_blocks(README)[1][0].split()
    promised = re.search(r"prints `([^`]+)`", README).group(1)
    script = Path(sys.executable).parent / "textrecog"  # the README's .venv/bin/textrecog, wherever it lives
    proc = subprocess.run([str(script), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout == promised + "\n", proc.stderr


def test_readme_is_short_and_its_links_resolve():
    assert len(README.splitlines()) <= 200
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to a missing {target}"


def test_every_sample_the_code_and_docs_name_exists():
    texts = [README, *(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")),
             *(p.read_text(encoding="utf-8") for p in (ROOT / "textrecog").rglob("*.py"))]
    named = {m for text in texts for m in re.findall(r"samples/[\w.-]+\.png", text)}
    assert named and all((ROOT / name).exists() for name in named), sorted(n for n in named if not (ROOT / n).exists())


def test_the_licence_file_matches_the_package_metadata():
    declared = re.search(r'^license = \{ text = "(\w+)" \}', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert (ROOT / "LICENSE").read_text().startswith(f"{declared} License")
