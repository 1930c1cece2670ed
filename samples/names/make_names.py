"""Build names-20k.txt, a documented name list for --lexicon (first names and surnames, one a line).

    pip download --no-deps --no-binary :all: names==0.3.0 -d /tmp/names
    python samples/names/make_names.py /tmp/names/names-0.3.0.tar.gz

The 2,000 most frequent first names (the 1990 US Census's female and male lists merged by frequency) and
the 18,000 most frequent surnames that are not among them, in title case, in that order. The census lists are public domain; they
come in the `names` package (MIT licence, Trey Hunner) on PyPI.
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

FIRST, LAST = 2_000, 18_000


def read(archive: tarfile.TarFile, member: str) -> list[tuple[str, float]]:
    """(NAME, frequency in percent) rows of one census list."""
    rows = archive.extractfile(f"names-0.3.0/names/{member}").read().decode("ascii").splitlines()
    return [(r.split()[0], float(r.split()[1])) for r in rows if r.strip()]


def main() -> None:
    with tarfile.open(sys.argv[1]) as archive:
        first = sorted(read(archive, "dist.female.first") + read(archive, "dist.male.first"), key=lambda r: -r[1])
        last = read(archive, "dist.all.last")
    names = list(dict.fromkeys(n.title() for n, _ in first))[:FIRST]
    taken = set(names)
    names += [n for n in dict.fromkeys(n.title() for n, _ in last) if n not in taken][:LAST]
    out = Path(__file__).with_name("names-20k.txt")
    out.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"{out}: {len(names):,} names")


if __name__ == "__main__":
    main()
