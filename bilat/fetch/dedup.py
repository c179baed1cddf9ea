"""Syndicated copies: one story carried by several outlets becomes one story.

Outlets cut a wire story to their own length, drop paragraphs, and add their own headline, byline and footer,
so two copies rarely look alike as wholes; what they share is that most of the shorter one is in the longer
one. Two texts are copies when they share at least MIN_SHARED of their word SHINGLE_WORDS-shingles and those
make up at least MIN_CONTAINMENT of the shorter text's shingles (its containment in the other).

Comparing every pair would grow with the square of the articles, so candidates come from datasketch's MinHash
LSH over the same shingle sets, tuned to find pairs whose Jaccard similarity (not containment: a copy cut to
40 % has a Jaccard similarity near 0.4 with the full story) is as low as LSH_THRESHOLD, and only candidates are
compared exactly. A signature is NUM_PERM 32-bit values (datasketch's "affine32" scheme, seed SEED), kept in
core.articles.minhash so later windows can find an article without hashing its text again.

How the rule was chosen (benchmarks/syndication_benchmark.py: 45 bundled-corpus articles and 48 VOA stories,
10 copies of each cut to 40-100 % from the bottom, paragraphs and a sentence dropped, their own headline, credit,
footer and links to other stories, 932 copies in all, clustered with the 93 originals): with 5-shingles every
copy joins its story at any containment from 0.20 to 0.40 (0.995 at 0.50); different stories start to merge
below 0.30 (one pair at 0.25, nine at 0.20, through short copies sharing an outlet's footer), and the closest two
real stories (VOA's report of a train attack and its follow-up a day later, which reuses background paragraphs)
have a containment of 0.15. 0.35 sits between; 3- and 4-shingles have narrower margins (closest different
stories 0.22 and 0.18). An LSH threshold of 0.15 (64 bands of 2 rows) or 0.25 loses no copy.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE_WORDS = 5
MIN_CONTAINMENT = 0.35
MIN_SHARED = 20  # a shared quote or background sentence is not a copy
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
LSH_THRESHOLD = 0.15
# Missing a copy costs more than a candidate that the exact comparison then refuses.
LSH_WEIGHTS = (0.2, 0.8)

_WORD = re.compile(r"\w+")


def normalise_words(text: str) -> list[str]:
    """Case-folded words with punctuation and typography (curly quotes, dashes) dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[str]:
    """The set of overlapping runs of ``size`` words; a text shorter than that is one shingle."""
    words = normalise_words(text)
    if len(words) <= size:
        return frozenset([" ".join(words)] if words else [])
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (0 when either is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def is_copy(a: frozenset[str], b: frozenset[str], min_containment: float = MIN_CONTAINMENT) -> bool:
    """The copy rule: enough shared shingles, and most of the shorter text found in the longer."""
    shared = len(a & b)
    return shared >= MIN_SHARED and shared >= min_containment * min(len(a), len(b))


@functools.cache
def _empty_minhash() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)  # its permutations are drawn once, then copied


def signature(shingle_set: Iterable[str]) -> LeanMinHash | None:
    """The MinHash signature of a shingle set; None for an empty one (no text is no evidence)."""
    values = [s.encode("utf-8") for s in shingle_set]
    if not values:
        return None
    minhash = _empty_minhash().copy()
    minhash.update_batch(values)
    return LeanMinHash(minhash)


def to_bytes(sig: LeanMinHash) -> bytes:
    """A signature as the BLOB kept in core.articles.minhash: NUM_PERM little-endian uint32 values."""
    return sig.hashvalues.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> LeanMinHash | None:
    """A signature read back from core.articles.minhash; None for one bilat did not write (other size)."""
    if len(blob) != 4 * NUM_PERM:
        return None
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, dtype="<u4"), scheme=SCHEME)


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


@functools.cache
def _lsh_params(threshold: float) -> tuple[int, int]:
    """Bands and rows per band datasketch picks for ``threshold`` (worked out once: it integrates numerically)."""
    tuned = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    return tuned.b, tuned.r


def candidate_pairs(signatures: Sequence[LeanMinHash | None], first_new: int = 0, threshold: float = LSH_THRESHOLD) -> set[tuple[int, int]]:
    """Index pairs (i < j, j >= ``first_new``) that MinHash LSH finds similar enough to compare exactly.

    Documents before ``first_new`` are only compared with later ones (they were compared among themselves
    when they were loaded); a None signature is never a candidate.
    """
    index, pairs = MinHashLSH(num_perm=NUM_PERM, params=_lsh_params(threshold)), set()
    for i, sig in enumerate(signatures):
        if sig is not None:
            index.insert(i, sig)
    for j in range(first_new, len(signatures)):
        if signatures[j] is not None:
            pairs.update((min(i, j), max(i, j)) for i in index.query(signatures[j]) if i != j)
    return pairs


def cluster_signatures(
    ids: Sequence[str],
    signatures: Sequence[LeanMinHash | None],
    shingles_of: Callable[[list[int]], dict[int, frozenset[str]]],
    first_new: int = 0,
    min_containment: float = MIN_CONTAINMENT,
    lsh_threshold: float = LSH_THRESHOLD,
) -> dict[str, str]:
    """Map each id to its story id: the id of the earliest document (in input order) it is linked to.

    ``shingles_of`` gives the shingle sets of the documents (by index) that are candidates, so texts are read
    only for those. Documents before ``first_new`` are linked only through later ones.
    """
    if len(ids) != len(signatures):
        raise ValueError(f"{len(ids)} ids but {len(signatures)} signatures")
    if duplicates := sorted(doc_id for doc_id, n in Counter(ids).items() if n > 1):
        raise ValueError(f"doc ids must be unique (repeated: {', '.join(duplicates[:5])})")
    pairs = sorted(candidate_pairs(signatures, first_new, lsh_threshold))
    sets = shingles_of(sorted({i for pair in pairs for i in pair})) if pairs else {}
    stories = _UnionFind(len(ids))
    for i, j in pairs:
        if i in sets and j in sets and is_copy(sets[i], sets[j], min_containment):
            stories.union(i, j)
    return {doc_id: ids[stories.find(index)] for index, doc_id in enumerate(ids)}


def cluster_texts(docs: Sequence[tuple[str, str]], min_containment: float = MIN_CONTAINMENT) -> dict[str, str]:
    """``cluster_signatures`` over (doc_id, text) pairs held in memory."""
    sets = [shingles(text) for _, text in docs]
    return cluster_signatures([doc_id for doc_id, _ in docs], [signature(s) for s in sets],
                              lambda wanted: {i: sets[i] for i in wanted}, min_containment=min_containment)


def story_sizes(mapping: dict[str, str] | Iterable[tuple[str, str]]) -> dict[str, int]:
    """How many documents each story id has, from a doc id -> story id mapping."""
    pairs = mapping.items() if isinstance(mapping, dict) else mapping
    return dict(Counter(story_id for _, story_id in pairs))
