"""Near-duplicate detection: syndicated copies of one story (wire copy on several sites) become one story.

Each text gets a 64-bit SimHash over word 3-shingles of its normalised words. Copies of one story differ by a
byline, a dateline, a footer and light edits, which flips a few bits; different stories differ in about half.
Candidates are found by banding: the 64 bits are split into four 16-bit bands and a document is compared only
with documents whose band is within r bits of one of its own (r = 0: they share a band exactly). By pigeonhole,
two hashes within distance d have a band within d // 4 bits, so with r = max_distance // 4 no pair is missed.

How max_distance was chosen (measured on the 45 articles of the bundled corpus, tools/corpus/articles,
279-376 words each; the script built variants of each article and compared SimHashes):

* syndicated variants, 8 per article, 360 pairs: a byline/dateline line added (distance 0-7, median 3), a
  wire footer added (0-10, median 5), a byline and a correction footer (0-9, median 5), an "Updated" line and
  the title as first line (1-9, median 5), one word changed (0-8, median 2), one sentence dropped (1-11,
  median 6), curly quotes and dashes made plain (0), the last paragraph swapped for a "Read more" line (2-13,
  median 6). Overall 0-13, median 4; within 3: 154/360 (43 %), within 8: 337, within 11: 357, within 13: 360.
  Three sentences edited in place: 1-8, median 5.
* different articles, all 990 pairs (323 of them on the same bilateral relationship, same outlets and
  vocabulary): 20-42, median 32; same relationship: 22 and up.
* articles twice as long (~650 words) with a byline and a footer added: 0-8, median 5; different: 18 and up.

A byline and a footer are a large share of a short article, so the textbook threshold of 3 would merge
fewer than half of the copies. 11 keeps 99 % of them and leaves a margin of 7-9 bits below the closest
different stories; it probes r = 2 bits per band (137 probes per band), which stays far from quadratic.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

HASH_BITS = 64
BANDS = 4
BAND_BITS = HASH_BITS // BANDS
SHINGLE_WORDS = 3
DEFAULT_MAX_DISTANCE = 11
MAX_SUPPORTED_DISTANCE = 15

_WORD = re.compile(r"\w+")


def normalise_words(text: str) -> list[str]:
    """Case-folded words with punctuation and typography (curly quotes, dashes) dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> list[str]:
    """Overlapping runs of ``size`` words; a text shorter than that is one shingle."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def _hash64(token: str) -> int:
    # blake2b, not hash(): Python's string hash is salted per process, so hashes would not be stable.
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(text: str) -> int:
    """The 64-bit SimHash of a text; 0 for a text without words. Repeated shingles weigh more."""
    counts = Counter(shingles(normalise_words(text)))
    weights = [0] * HASH_BITS
    for shingle, count in counts.items():
        value = _hash64(shingle)
        for bit in range(HASH_BITS):
            weights[bit] += count if value >> bit & 1 else -count
    return sum(1 << bit for bit, weight in enumerate(weights) if weight > 0)


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two hashes."""
    return (a ^ b).bit_count()


def bands(value: int) -> list[int]:
    """The four 16-bit bands of a 64-bit hash, lowest first."""
    mask = (1 << BAND_BITS) - 1
    return [value >> (i * BAND_BITS) & mask for i in range(BANDS)]


def probe_radius(max_distance: int) -> int:
    """Bits a band may differ by so that no pair within ``max_distance`` is missed.

    Two hashes within distance d have, by pigeonhole, a band within d // BANDS bits of each other.
    """
    return max_distance // BANDS


def _masks(radius: int) -> list[int]:
    """Every band-wide mask with at most ``radius`` bits set (the probes around a band value)."""
    masks = [0]
    for _ in range(radius):
        masks = sorted({mask | 1 << bit for mask in masks for bit in range(BAND_BITS)} | set(masks))
    return masks


def _earlier_candidates(hashes: list[int], radius: int) -> Iterator[tuple[int, set[int]]]:
    """For each document j, the earlier documents with a band within ``radius`` bits of one of j's bands.

    Each document probes the buckets of the documents before it, so the work grows with the number of
    documents times the probes (and the candidates found), not with the square of the number of documents.
    """
    masks = _masks(radius)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, value in enumerate(hashes):
        earlier: set[int] = set()
        for band_index, band in enumerate(bands(value)):
            for mask in masks:
                earlier.update(buckets.get((band_index, band ^ mask), ()))
        yield j, earlier
        for band_index, band in enumerate(bands(value)):
            buckets[(band_index, band)].append(j)


def candidate_pairs(hashes: list[int], radius: int = 0) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose hashes have a band within ``radius`` bits: the only pairs worth comparing.

    With radius 0 these are the pairs sharing a band exactly.
    """
    return {(i, j) for j, earlier in _earlier_candidates(hashes, radius) for i in earlier}


class _UnionFind:
    """Disjoint sets whose representative is always the smallest index, i.e. the earliest document."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]  # path halving keeps trees flat
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        root_i, root_j = self.find(i), self.find(j)
        if root_i != root_j:
            self.parent[max(root_i, root_j)] = min(root_i, root_j)


def cluster_near_duplicates(docs: list[tuple[str, str]], max_distance: int = DEFAULT_MAX_DISTANCE) -> dict[str, str]:
    """Map each doc id to its story id: the id of the earliest doc (in input order) of its cluster.

    ``docs`` are (doc_id, text) pairs. Documents within ``max_distance`` bits are linked, and clusters are
    the connected groups. Documents without any words are never merged with anything.
    """
    # A text without words hashes to 0 like every other such text; it gets no hash, so stays alone.
    return cluster_hashes([(doc_id, simhash(text) if normalise_words(text) else None) for doc_id, text in docs], max_distance)


def cluster_hashes(items: list[tuple[str, int | None]], max_distance: int = DEFAULT_MAX_DISTANCE) -> dict[str, str]:
    """``cluster_near_duplicates`` over precomputed SimHashes (None: never merged), e.g. read back from a table."""
    if not 0 <= max_distance <= MAX_SUPPORTED_DISTANCE:
        # Beyond this the probes reach most buckets and the comparison turns quadratic.
        raise ValueError(f"max_distance must be between 0 and {MAX_SUPPORTED_DISTANCE} (got {max_distance})")
    ids = [doc_id for doc_id, _ in items]
    if duplicates := sorted(doc_id for doc_id, n in Counter(ids).items() if n > 1):
        raise ValueError(f"doc ids must be unique (repeated: {', '.join(duplicates[:5])})")
    hashed = [index for index, (_, value) in enumerate(items) if value is not None]
    hashes = [items[index][1] for index in hashed]
    sets = _UnionFind(len(items))
    for j, earlier in _earlier_candidates(hashes, probe_radius(max_distance)):
        for i in earlier:
            if hamming(hashes[i], hashes[j]) <= max_distance:
                sets.union(hashed[i], hashed[j])
    return {doc_id: ids[sets.find(index)] for index, doc_id in enumerate(ids)}


def to_signed(value: int) -> int:
    """A 64-bit hash as a signed integer, for a BIGINT column."""
    return value - (1 << HASH_BITS) if value >= 1 << (HASH_BITS - 1) else value


def to_unsigned(value: int) -> int:
    return value + (1 << HASH_BITS) if value < 0 else value


def story_sizes(mapping: dict[str, str] | Iterable[tuple[str, str]]) -> dict[str, int]:
    """How many documents each story id has, from a doc id -> story id mapping."""
    pairs = mapping.items() if isinstance(mapping, dict) else mapping
    return dict(Counter(story_id for _, story_id in pairs))
