"""Seed lists from the command line."""

from __future__ import annotations

from meta_rl.errors import MetaRLError


def parse_seeds(text: str) -> list[int]:
    """``"0-7"``, ``"0,2,5"`` or ``"3"`` (also mixed: ``"0-3,8"``) -> sorted unique seeds."""
    seeds: set[int] = set()
    try:
        for part in text.split(","):
            lo, sep, hi = part.strip().partition("-")
            if not lo.isdigit() or (sep and not hi.isdigit()):  # int() would take "1_0", " 3", "+3"
                raise ValueError
            first, last = int(lo), int(hi) if sep else int(lo)
            if first < 0 or last < first:
                raise ValueError
            seeds.update(range(first, last + 1))
    except ValueError:
        raise MetaRLError(f"malformed seeds {text!r}: use e.g. 0-7 or 0,3,5 (non-negative)") from None
    if len(seeds) > 4096 or max(seeds) >= 2**31:
        raise MetaRLError(f"seeds {text!r} out of range")
    return sorted(seeds)
