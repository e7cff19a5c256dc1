"""The hard table rules of one call, encoded over person indices, and their checker (private).

:class:`TableRules` holds ``max_sector_share``, ``min_sectors``, ``facilitators`` and ``apart``
as :func:`encode_rules` checks and encodes them; :func:`rule_violations` lists what one round
of a plan breaks. Shared by :mod:`matcher.table_rules` (precheck, first seatings) and
:mod:`matcher.table_plan` (the checker). The rules are described in :mod:`matcher.table_rules`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.table_seating import IntArray, encode_labels
from matcher.wording import at

__all__ = ["TableRules", "encode_rules", "rule_violations"]


@dataclass(frozen=True, eq=False)
class TableRules:
    """The rules of one call, encoded over person indices 0..n-1 (see :func:`encode_rules`)."""

    n: int
    n_tables: int
    sec: IntArray
    sec_names: list[Any]
    share: float | None
    min_sectors: int
    fac: npt.NDArray[np.bool_]
    fac_lo: int
    fac_hi: int
    apart: IntArray

    @property
    def active(self) -> bool:
        """Whether any rule beyond sizes, ``separate`` and pins is on."""
        return self.share is not None or self.min_sectors > 0 or bool(self.fac.any()) or len(self.apart) > 0

    def cap(self, size: int) -> int:
        """Most people of one sector allowed at a table of ``size`` people."""
        return size if self.share is None else int(np.floor(self.share * size + 1e-9))


def encode_rules(
    n: int,
    n_tables: int,
    sectors: Sequence[Hashable | None] | None,
    max_sector_share: float | None,
    min_sectors: int | None,
    facilitators: Sequence[int] | None,
    apart: Sequence[tuple[int, int]] | None,
) -> TableRules:
    """Check the rule parameters (ValueError naming the parameter) and encode them."""
    if sectors is not None and len(sectors) != n:
        raise ValueError(f"sectors: expected one label per person ({n}), got {len(sectors)}")
    if (max_sector_share is not None or min_sectors is not None) and sectors is None:
        raise ValueError("max_sector_share / min_sectors: need sectors (one label per person)")
    if max_sector_share is not None and not 0 < float(max_sector_share) <= 1:
        raise ValueError(f"max_sector_share: expected a share in (0, 1], got {max_sector_share!r}")
    if min_sectors is not None and (int(min_sectors) != min_sectors or min_sectors < 1):
        raise ValueError(f"min_sectors: expected a positive integer, got {min_sectors!r}")
    sec, names = encode_labels(sectors, n, "sectors")
    fac = np.zeros(n, dtype=np.bool_)
    for k, p in enumerate(facilitators or ()):
        if int(p) != p or not 0 <= p < n:
            raise ValueError(f"facilitators[{k}]: person {p!r} is outside 0..{n - 1}")
        if fac[int(p)]:
            raise ValueError(f"facilitators[{k}]: person {p} is listed twice")
        fac[int(p)] = True
    pairs = []
    for k, pair in enumerate(apart or ()):
        try:
            i, j = (int(x) for x in pair)
        except (TypeError, ValueError):
            raise ValueError(f"apart[{k}]: expected a pair of people (i, j), got {pair!r}") from None
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise ValueError(f"apart[{k}]: {pair!r} must name two different people in 0..{n - 1}")
        pairs.append((min(i, j), max(i, j)))
    n_fac = int(fac.sum())
    return TableRules(
        n=n,
        n_tables=n_tables,
        sec=sec,
        sec_names=names,
        share=None if max_sector_share is None else float(max_sector_share),
        min_sectors=0 if min_sectors is None else int(min_sectors),
        fac=fac,
        fac_lo=n_fac // n_tables,
        fac_hi=-(-n_fac // n_tables),
        apart=np.array(sorted(set(pairs)), dtype=np.int64).reshape(-1, 2),
    )


# --------------------------------------------------------------------------- checker


def rule_violations(r: int, row: IntArray, rules: TableRules) -> list[str]:
    """Every broken rule of one (unlocked) round, one line each, as the checker reports them."""
    out = []
    apart_at: dict[int, list[tuple[int, int]]] = {}
    for i, j in rules.apart.tolist():
        if row[i] == row[j]:
            apart_at.setdefault(int(row[i]), []).append((i, j))
    for t in range(rules.n_tables):
        people = np.flatnonzero(row == t)
        s = len(people)
        secs = rules.sec[people]
        counts = np.bincount(secs[secs >= 0], minlength=len(rules.sec_names))
        for k in np.flatnonzero(counts > rules.cap(s)).tolist():
            out.append(
                f"{at(r, t)}: sector {rules.sec_names[k]!r} holds {counts[k]} of {s} seats, "
                f"above the share cap of {100 * (rules.share or 1):g} % ({rules.cap(s)})"
            )
        if s and int((counts > 0).sum()) < rules.min_sectors:
            have = int((counts > 0).sum())
            out.append(f"{at(r, t)}: {have} sector(s), at least {rules.min_sectors} required")
        nf = int(rules.fac[people].sum())
        if rules.fac.any() and not rules.fac_lo <= nf <= rules.fac_hi:
            out.append(
                f"{at(r, t)}: {nf} facilitators {people[rules.fac[people]].tolist()}, "
                f"allowed {rules.fac_lo}..{rules.fac_hi}"
            )
        for i, j in apart_at.get(t, []):
            out.append(f"{at(r, t)}: people {i} and {j} must not share a table")
    return out
