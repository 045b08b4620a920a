"""A fixed-size filter of term hashes (a Bloom filter): whether a store may hold a term, in memory that does not grow with the store."""

from __future__ import annotations

from collections.abc import Iterable

BITS = 1 << 28  # 32 MB: ~1% false positives at 15M distinct terms (two bits a term)


class TermFilter:
    """The hashes of a store's terms (N-Triples strings), as `StoreView.seen` reads them: a hash not `in` it is of no term the store holds.

    A hash that is `in` it may be of none (a false positive, ~1% at 15M terms): the view then
    looks the term up in the store, as it would without a filter. A staged import keeps one
    for its store instead of a set, whose size grew with the rows (1.6 GB at 200,000 GED rows).
    """

    def __init__(self, bits: int = BITS):
        self.mask = bits - 1
        self.array = bytearray(bits >> 3)

    def update(self, *hashes: Iterable[int]) -> None:
        array, mask = self.array, self.mask
        for many in hashes:
            for h in many:
                x, y = h & mask, (h >> 32) & mask
                array[x >> 3] |= 1 << (x & 7)
                array[y >> 3] |= 1 << (y & 7)

    def __contains__(self, h: int) -> bool:
        x, y = h & self.mask, (h >> 32) & self.mask
        return bool(self.array[x >> 3] & (1 << (x & 7))) and bool(self.array[y >> 3] & (1 << (y & 7)))
