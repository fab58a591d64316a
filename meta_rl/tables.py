"""Text tables whose columns never run together."""

from __future__ import annotations


def format_columns(rows: list[list[str]], left: int = 1) -> str:
    """Rows of cells as aligned text: each column as wide as its widest cell, two spaces
    between columns, the first ``left`` columns left-aligned and the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: list[str]) -> str:
        cells = (c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        return "  ".join(cells).rstrip()

    return "\n".join(line(row) for row in rows)
