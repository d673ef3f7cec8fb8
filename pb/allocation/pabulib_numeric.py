"""Approval cells with numeric project ids read in NumPy passes (`pabulib_approvals`).

The cells' bytes are cut into ids at their `,` and `;`, the ids made integers by Horner's rule,
looked up among the project ids by a table, and each ballot's sorted columns made one integer
key: a million voters' cells are read without a Python object per voter or per id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def joined(cells: list[str], np: Any) -> Any:
    """The cells joined by `;` as one uint8 array (what `tokens` reads), or None if a cell is
    not ASCII."""
    try:
        return np.frombuffer(";".join(cells).encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None


def tokens(data: Any, np: Any) -> tuple[Any, Any] | None:
    """(every id named, as an integer, cell after cell; the number of ids of each cell), read
    from `data`, the bytes of the cells joined by `;` (a uint8 array); None
    unless every item is 1 to 9 digits without a leading zero (an empty cell names nothing)."""
    digits = data - np.uint8(ord("0"))  # a non-digit wraps above 9
    separator = (data == ord(",")) | (data == ord(";"))
    if not 0 < data.size < 2**31 or not np.all(separator | (digits <= 9)):
        return None
    at = np.flatnonzero(separator).astype(np.int32)  # 32-bit positions: half the memory
    del separator
    cell_ends = np.append(data[at] == ord(";"), True)
    del data
    starts = np.concatenate((np.zeros(1, np.int32), at + 1))
    at = np.append(at, np.int32(digits.size))
    at -= starts  # now the lengths of the items
    lengths = at
    last_items = np.flatnonzero(cell_ends)
    sizes = np.diff(last_items, prepend=-1)
    empty = lengths == 0
    if empty.any():  # allowed as a whole cell only: `;` (or the start) before, `;` after
        before = np.concatenate(([True], cell_ends[:-1]))
        if not np.all(before[empty] & cell_ends[empty]):
            return None
        sizes -= empty[last_items]
        starts, lengths = starts[~empty], lengths[~empty]
    if lengths.max(initial=0) > 9 or np.any((digits[starts] == 0) & (lengths > 1)):
        return None  # too long a number or a leading zero: not an id here
    return numbers(digits, starts, lengths, np), sizes


def numbers(digits: Any, starts: Any, lengths: Any, np: Any) -> Any:
    """The decimal numbers of `lengths[i]` digits from `starts[i]`, by Horner's rule over all
    the numbers of each length at once (one length, all ids alike, in most files)."""
    values = np.zeros(starts.size, dtype=np.int32)  # 9 digits fit
    for length in np.flatnonzero(np.bincount(lengths)).tolist():
        chosen = lengths == length
        if chosen.all():
            chosen = slice(None)  # a view: no copy of the starts
        first = starts[chosen]
        value = digits[first].astype(np.int32)
        for place in range(1, length):
            value = value * 10 + digits[first + place]
        values[chosen] = value
    return values


def columns_of(values: Any, project_ids: Sequence[str], np: Any) -> Any:
    """The column of each id in `values`, or None unless every project id is a plain decimal
    number (no sign, no leading zero, at most 9 digits) and every value one of them."""
    if not all(
        pid.isascii() and pid.isdigit() and len(pid) <= 9 and (pid == "0" or pid[0] != "0")
        for pid in project_ids
    ):
        return None
    numbers = np.array(list(map(int, project_ids)), dtype=np.int64)
    top = int(numbers.max())
    if top < 2**22:  # a table indexed by the id (16 MB at most)
        table = np.full(top + 1, -1, dtype=np.int32)
        table[numbers] = np.arange(numbers.size)
        found = np.where(values <= top, table[np.minimum(values, top)], -1)
    else:
        order = np.argsort(numbers)
        at = np.minimum(np.searchsorted(numbers[order], values), numbers.size - 1)
        found = np.where(numbers[order][at] == values, order[at], -1)
    return None if found.size and found.min() < 0 else found


def set_keys(table: Any, sizes: Any, projects: int, np: Any) -> Any:
    """One integer per row of sorted columns (padded with `projects`), equal for equal sets:
    the rank of the set among those of its size (combinatorial number system) after all the
    smaller sets, when that fits in 63 bits (300 projects, ballots of 10: 1.5e18)."""
    width = table.shape[1]
    if sum(math.comb(projects, size) for size in range(width + 1)) >= 2**63:
        return row_ranks(table, projects, np)
    # binomial[c, j] = C(c, j); the padding column contributes nothing
    rows = [[math.comb(c, j) for j in range(width + 1)] for c in range(projects)]
    binomial = np.array([*rows, [0] * (width + 1)], dtype=np.int64)
    smaller = np.cumsum([0] + [math.comb(projects, size) for size in range(width)], dtype=np.int64)
    return binomial[table, np.arange(1, width + 1)].sum(axis=1) + smaller[sizes]


def row_ranks(table: Any, projects: int, np: Any) -> Any:
    """The rank of each row among the distinct rows: the rows cut into pieces of as many
    columns as one 63-bit number holds (digits in base `projects` + 1), sorted by them."""
    per_piece = max(1, int(63 / math.log2(projects + 1)))
    pieces = []
    for start in range(0, table.shape[1], per_piece):
        piece = np.zeros(table.shape[0], dtype=np.int64)
        for column in range(start, min(start + per_piece, table.shape[1])):
            piece = piece * (projects + 1) + table[:, column]
        pieces.append(piece)
    keys = np.stack(pieces)
    order = np.lexsort(keys)
    ordered = keys[:, order]
    new = np.ones(order.size, dtype=bool)
    new[1:] = np.any(ordered[:, 1:] != ordered[:, :-1], axis=0)
    ranks = np.empty(order.size, dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ranks
