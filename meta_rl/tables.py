"""Tables as text: aligned columns for terminals, markdown for the documents, and the
generated blocks through which the README and ``docs/`` include ``reproduce``'s tables."""

from __future__ import annotations

import re


def format_columns(rows: list[list[str]], left: int = 1) -> str:
    """Rows of cells as aligned text: each column as wide as its widest cell, two spaces
    between columns, the first ``left`` columns left-aligned and the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: list[str]) -> str:
        cells = (c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        return "  ".join(cells).rstrip()

    return "\n".join(line(row) for row in rows)


def markdown_table(rows: list[list[str]]) -> str:
    """Rows of cells (the first the header) as a GitHub markdown table."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def mean_se(values, digits: int = 3) -> str:
    """``mean ± s.e.`` across the values (one value: the value alone)."""
    values = [float(v) for v in values]
    mean = sum(values) / len(values)
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    return f"{mean:.{digits}f} ± {sd / len(values) ** 0.5:.{digits}f}"


BLOCK = re.compile(r"(<!-- table: (?P<name>[\w.-]+) -->\n)(?P<body>.*?)(<!-- end table -->)", re.DOTALL)
"""A generated table in a markdown document: its content is ``meta-rl reproduce NAME``'s."""


def included_tables(text: str) -> dict[str, str]:
    """``{experiment: table}`` of the generated blocks in a markdown document."""
    return {m["name"]: m["body"].strip("\n") for m in BLOCK.finditer(text)}


def include_tables(text: str, tables: dict[str, str]) -> str:
    """The document with each generated block whose experiment is in ``tables`` rewritten."""
    def fill(m: re.Match) -> str:
        if m["name"] not in tables:
            return m[0]
        return f"{m[1]}{tables[m['name']]}\n{m[4]}"

    return BLOCK.sub(fill, text)
