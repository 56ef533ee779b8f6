"""The SemDeDup keep rule of core/dedup/semdedup.ts in numpy, for bench/dedup.ts.

Reads N x D float32 rows (row-major, unit length) and the cluster sizes (int32, rows of a
cluster contiguous), then per cluster: order by cosine similarity to the cluster mean
(nearest first, ties by index), walk in blocks of B rows, score each block against every row
kept so far with one matmul (best score per row), settle the block's rows in order with the
block's Gram matrix, and drop rows with similarity >= 1 - eps to a kept row.
Prints: seconds, CPU seconds, max RSS bytes, removed rows.
"""
import resource
import sys
import time

import numpy as np

rows_file, sizes_file, d, eps, block = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
x_all = np.fromfile(rows_file, dtype=np.float32).reshape(-1, d)
sizes = np.fromfile(sizes_file, dtype=np.int32)
threshold = np.float32(1 - eps)
t0, c0 = time.perf_counter(), time.process_time()
removed = 0
start = 0
for n in sizes:
    x = x_all[start:start + n]
    start += n
    c = x.mean(axis=0)
    sim = (x @ c) / (np.linalg.norm(c) or 1)
    order = np.lexsort((np.arange(n), -sim))
    kept = np.empty((n, d), dtype=np.float32)
    m = 0
    for b0 in range(0, n, block):
        idx = order[b0:b0 + block]
        xb = x[idx]
        best = (xb @ kept[:m].T).max(axis=1) if m > 0 else np.full(len(idx), -np.inf, dtype=np.float32)
        gram = xb @ xb.T
        in_block = []
        for r in range(len(idx)):
            s = best[r]
            if in_block:
                s = max(s, gram[r, in_block].max())
            if s < threshold:
                kept[m] = xb[r]
                m += 1
                in_block.append(r)
            else:
                removed += 1
print(time.perf_counter() - t0, time.process_time() - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, removed)
