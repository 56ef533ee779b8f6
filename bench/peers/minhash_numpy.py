"""Fuzzy dedup of core/dedup/ (MinHash + LSH, each row's best earlier match, groups) in numpy, for
bench/dedup-fuzzy.ts, with the same parameters: the same normalisation (lower-case, punctuation
and symbols deleted, a/an/the dropped), word 1-grams, P permutations h_p(x) = a_p*x + b_p mod 2^32
over 32-bit shingle hashes (zlib.crc32 here, FNV-1a + fmix32 there), each
row's candidates the first row of each of its buckets, confirmed by the exact Jaccard of the two
rows' shingle sets in a second read of the file (Python sets, held for a row while a later candidate
of it is still to come), and a row joining its best match's group at >= threshold. Band hashes are of the same kind
(multiply-rotate folds); their exact values, like the shingle hashes, differ.

Usage: minhash_numpy.py FILE.jsonl P BANDS ROWS THRESHOLD
Prints: seconds, CPU seconds, max RSS bytes, removed rows.
"""
import json
import re
import resource
import sys
import time
import unicodedata
import zlib

import numpy as np

path, P, bands, rows, threshold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
t0, c0 = time.perf_counter(), time.process_time()

ARTICLES = {"a", "an", "the"}
# Unicode punctuation and symbols (P*, S*), as the JS /[\p{P}\p{S}]/gu: ASCII fast path, others by category.
ASCII_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")


def normalize(text):
    t = ASCII_PUNCT.sub("", text.lower())
    if not t.isascii():
        t = "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PS")
    return [w for w in t.split() if w not in ARTICLES]


rng = np.random.default_rng(1)
a = (rng.integers(0, 2**32, P, dtype=np.uint64) | 1).astype(np.uint32)
b = rng.integers(0, 2**32, P, dtype=np.uint64).astype(np.uint32)

CHUNK = 8192
sig_chunks = []
use_chunks = []
with open(path, encoding="utf-8") as f:
    while True:
        lines = [l for l in (f.readline() for _ in range(CHUNK)) if l]
        if not lines:
            break
        hashes, lengths = [], []
        for line in lines:
            words = set(normalize(json.loads(line)["text"]))
            hs = [zlib.crc32(w.encode()) for w in words]
            hashes.extend(hs)
            lengths.append(len(hs))
        lengths = np.array(lengths)
        h = np.array(hashes, dtype=np.uint32)
        sig = np.full((len(lines), P), 0xFFFFFFFF, dtype=np.uint32)
        nonempty = lengths > 0
        if h.size:
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[nonempty]
            v = a[:, None] * h[None, :] + b[:, None]  # uint32, wraps mod 2^32
            sig[nonempty] = np.minimum.reduceat(v, starts, axis=1).T
        sig_chunks.append(sig)
        use_chunks.append(nonempty)
sig = np.concatenate(sig_chunks)
use = np.concatenate(use_chunks)
del sig_chunks
n = sig.shape[0]
members = np.nonzero(use)[0]

GOLDEN = np.uint32(0x9E3779B1)
pair_chunks = []
for band in range(bands):
    h = np.full(members.size, band + 1, dtype=np.uint32)
    for q in range(rows):
        h = (h ^ sig[members, band * rows + q]) * GOLDEN
        h = (h << np.uint32(13)) | (h >> np.uint32(19))
    order = np.argsort(h, kind="stable")
    hs = h[order]
    run_start = np.concatenate(([True], hs[1:] != hs[:-1]))
    head_pos = np.maximum.accumulate(np.where(run_start, np.arange(members.size), 0))
    rows_i = members[order]
    heads = rows_i[head_pos]
    cand = ~run_start
    pair_chunks.append((rows_i[cand].astype(np.int64) << 32) | heads[cand])
del sig
pairs = np.unique(np.concatenate(pair_chunks))
del pair_chunks
pair_row = (pairs >> 32).tolist()
pair_head = (pairs & 0xFFFFFFFF).tolist()
heads_of = {}
last_partner = {}
for r, hd in zip(pair_row, pair_head):
    heads_of.setdefault(r, []).append(hd)
    last_partner[hd] = max(last_partner.get(hd, -1), r)

match = [-1] * n
jac = [-1.0] * n
held = {}
with open(path, encoding="utf-8") as f:
    for r, line in enumerate(f):
        hs_r = heads_of.get(r)
        if hs_r is None and r not in last_partner:
            continue
        s = {zlib.crc32(w.encode()) for w in normalize(json.loads(line)["text"])}
        for hd in hs_r or ():
            t = held[hd]
            j = len(s & t) / len(s | t)
            if match[r] < 0 or j > jac[r]:
                match[r], jac[r] = hd, j
            if last_partner[hd] == r:
                del held[hd]
        if last_partner.get(r, -1) > r:
            held[r] = s

kept = np.ones(n, dtype=bool)
group = np.arange(n)
m_list, j_list = match, jac
g = group.tolist()
for r in range(n):
    m = m_list[r]
    if m >= 0 and j_list[r] >= threshold:
        g[r] = g[m]
        kept[r] = False
removed = int(n - kept.sum())
print(time.perf_counter() - t0, time.process_time() - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, removed)
