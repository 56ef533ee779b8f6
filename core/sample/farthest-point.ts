/**
 * Diverse picks within one cluster by farthest-point traversal (Gonzalez 1985, "Clustering to
 * minimize the maximum intercluster distance"): start at the row nearest the centroid, then
 * repeatedly take the row farthest (squared Euclidean) from every row taken so far. Input: `x`,
 * n rows of d float32 values, row-major; the centroid, d values, when the caller has one.
 *
 * Each pick skips the rows it cannot change, with the triangle inequality as Elkan (2003, "Using
 * the triangle inequality to accelerate k-means") bounds k-means assignments. Every row x keeps
 * u(x)², its squared distance to its nearest pick a(x), and the rows are grouped by a(x), each
 * group keeping its largest u² and that row, so the next pick is the best of the groups' bests
 * (O(k), not a scan of n). A new pick p can only come nearer to x than a(x) = c is when
 * ‖p − c‖ < 2·u(x): a group whose largest u is at most ‖p − c‖ / 2 is skipped without reading its
 * rows, and in a visited group each row under that bound is skipped before its vector is read.
 * The ‖p − c‖ cost one pass over the k picks per pick (k · d, against n · d for a full pass).
 * The remaining rows' distances come from the WebAssembly SIMD kernel
 * (core/kernels/farthest-point-kernel.ts), which gives a row the same float32 distance in any
 * list, and a skipped row provably keeps its u², so the picks equal those of the unpruned
 * traversal, ties included (lowest row index). Float32 sums are guarded by the margin below.
 *
 * How much is skipped depends on the data. 200k rows × 384 or 1,024 made of 500 sub-topics read
 * 25% of the row distances over 1,000 picks, 0.6–1.05× numpy's unpruned wall time. Banking77's
 * built-in-model vectors read 82%. Isotropic noise in hundreds of dimensions reads 99.8%, as every
 * distance is about the same there; that case still costs the group walks (docs/performance.md,
 * "Farthest-point picks", `npm run bench:farthest`). Memory: the cluster once more in the kernel's
 * memory, plus about 29 bytes per row (rows and u² of the groups, twice n; the kernel's list and
 * distances; distances by row) and O(k) per group, never an n × n matrix.
 */
import { farthestPointKernel, paddedDim } from '../kernels/farthest-point-kernel.js';

/**
 * Row indices in pick order, min(count, n) of them. `x` holds n rows of d values, row-major.
 * Ties go to the lowest row index. Distances are summed in float32 lanes, so picks whose
 * distances differ by less than float32 rounding may come in another order than an exact sum's.
 */
export function farthestPointOrder(x: Float32Array, n: number, d: number, count: number, centroid?: Float32Array): Int32Array {
  return farthestPoints(x, n, d, count, centroid).order;
}

export interface FarthestPoints {
  /** Row indices in pick order. */
  order: Int32Array;
  /** Row distances the kernel computed (pick-to-pick ones apart); the unpruned traversal computes n per pick after the first. */
  rowsRead: number;
}

/** farthestPointOrder with the count of row distances computed, which measures the pruning. */
export function farthestPoints(x: Float32Array, n: number, d: number, count: number, centroid?: Float32Array): FarthestPoints {
  if (x.length < n * d) throw new RangeError(`x holds ${x.length} values, fewer than ${n} rows × ${d}`);
  if (centroid && centroid.length !== d) throw new RangeError(`centroid has ${centroid.length} values, expected ${d}`);
  const picks = Math.max(0, Math.min(count, n));
  const order = new Int32Array(picks);
  if (picks === 0) return { order, rowsRead: 0 };

  const c = centroid ?? meanRow(x, n, d);
  let first = 0;
  let nearest = Infinity;
  for (let i = 0; i < n; i++) {
    const dist = squaredDistance(x, i * d, c, 0, d);
    if (dist < nearest) {
      nearest = dist;
      first = i;
    }
  }
  order[0] = first;
  if (picks === 1) return { order, rowsRead: 0 };

  // Kernel memory: the rows padded to whole f32x4 vectors, then a list of row indices and the
  // list's distances, each n rounded up to a multiple of four.
  const pd = paddedDim(d);
  const rowBytes = pd * 4;
  const n4 = Math.ceil(n / 4) * 4;
  const listOffset = n * rowBytes;
  const outOffset = listOffset + n4 * 4;
  const kernel = farthestPointKernel(d, outOffset + n4 * 4);
  const rows = new Float32Array(kernel.buffer, 0, n * pd);
  if (pd === d) rows.set(x.subarray(0, n * d));
  else for (let i = 0; i < n; i++) rows.set(x.subarray(i * d, (i + 1) * d), i * pd);
  // The memory is reused across calls: padding must be written, not assumed zero.
  if (pd !== d) for (let i = 0; i < n; i++) rows.fill(0, i * pd + d, (i + 1) * pd);
  const list = new Int32Array(kernel.buffer, listOffset, n4);
  const out = new Float32Array(kernel.buffer, outOffset, n4);
  /** out[j] = ‖x_list[j] − x_from‖² for the first m listed rows. */
  const distances = (m: number, from: number): void => {
    const m4 = Math.ceil(m / 4) * 4;
    list.fill(list[0], m, m4);
    kernel.dist(0, listOffset, m4, from * rowBytes, outOffset);
  };

  // A kernel distance is off its exact value by at most δ = (pd / 4 + 4) float32 roundings (the
  // lane sums, the three pairwise adds, the difference and the square), relative, as every term
  // is positive. A row is skipped only when ‖p − c‖² > 4·u²·(1 + 4δ): then its exact distance to
  // p exceeds u by more than the rounding of either side, so its float32 distance is not below
  // its float32 u² and the unpruned min would have kept u² too. At 384-d, 4δ is 6e-6.
  const margin = 1 + 4 * (pd / 4 + 4) * 2 ** -24;

  // Groups are numbered by pick. A group's rows are a segment [start, start + size) of `pool`
  // (2n long), their u² the same segment of `poolU2`, so a walk reads both in order. Rows leaving
  // for the new pick are appended at `top`; when the pick's listed rows might not fit, the
  // segments are compacted in place (starts grow with the group number), which leaves n free:
  // compaction costs O(n) per n rows moved.
  const pool = new Int32Array(2 * n);
  const poolU2 = new Float32Array(2 * n);
  // For a pick that lists its rows in row order: which rows are listed, and their distances by row.
  const listed = new Uint8Array(n);
  const rowDist = new Float32Array(n);
  const start = new Int32Array(picks);
  const size = new Int32Array(picks);
  const far = new Float32Array(picks);
  const farAt = new Int32Array(picks);
  const pickDist = new Float32Array(picks);

  let top = 0;
  for (let i = 0; i < n; i++) if (i !== first) list[top++] = i;
  distances(top, first);
  let rowsRead = top;
  pool.set(list.subarray(0, top));
  far[0] = -1;
  farAt[0] = -1;
  for (let j = 0; j < top; j++) {
    poolU2[j] = out[j];
    if (out[j] > far[0]) {
      far[0] = out[j];
      farAt[0] = pool[j];
    }
  }
  size[0] = top;

  for (let t = 1; t < picks; t++) {
    // The next pick: the largest u², then the lowest row, over the groups' bests.
    let g = -1;
    for (let h = 0; h < t; h++) {
      if (size[h] > 0 && (g < 0 || far[h] > far[g] || (far[h] === far[g] && farAt[h] < farAt[g]))) g = h;
    }
    const p = farAt[g];
    order[t] = p;
    if (t + 1 === picks) break;

    for (let h = 0; h < t; h++) list[h] = order[h];
    distances(t, p);
    pickDist.set(out.subarray(0, t));
    // A group is visited when its farthest row might come nearer to p, and always the one p leaves.
    const visit = (h: number): boolean => size[h] > 0 && (h === g || !(pickDist[h] > 4 * far[h] * margin));

    let m = 0;
    for (let h = 0; h < t; h++) {
      if (!visit(h)) continue;
      const bound = pickDist[h];
      for (let j = start[h], e = j + size[h]; j < e; j++) {
        const i = pool[j];
        if (i !== p && !(bound > 4 * poolU2[j] * margin)) list[m++] = i;
      }
    }
    // When many rows are listed, they go to the kernel in row order (a scan of n flags), and
    // their distances come back by row: rows in group order, scattered after many picks, cost
    // 39.9 ms CPU per unpruned pick against 35.6 in row order (200k × 384, 100 picks, 3 runs).
    const ascending = m > n >> 3;
    if (ascending) {
      for (let j = 0; j < m; j++) listed[list[j]] = 1;
      for (let i = 0, j = 0; j < m; i++) {
        if (listed[i]) {
          listed[i] = 0;
          list[j++] = i;
        }
      }
    }
    if (m > 0) distances(m, p);
    if (ascending) for (let j = 0; j < m; j++) rowDist[list[j]] = out[j];
    rowsRead += m;

    if (top + m > pool.length) top = compact(pool, poolU2, start, size, t);
    start[t] = top;
    far[t] = -1;
    farAt[t] = -1;
    // The same walk again, in the same order, so the j-th listed row takes out[j] (or its row's
    // distance when listed in row order): rows p comes
    // nearer to move to group t, the others stay, packed to the front of their segment.
    let j = 0;
    for (let h = 0; h < t; h++) {
      if (!visit(h)) continue;
      const bound = pickDist[h];
      let w = start[h];
      let best = -1;
      let bestAt = -1;
      for (let r = start[h], e = r + size[h]; r < e; r++) {
        const i = pool[r];
        if (i === p) continue;
        const u = poolU2[r];
        if (!(bound > 4 * u * margin)) {
          const v = ascending ? rowDist[i] : out[j++];
          if (v < u) {
            pool[top] = i;
            poolU2[top++] = v;
            if (v > far[t] || (v === far[t] && i < farAt[t])) {
              far[t] = v;
              farAt[t] = i;
            }
            continue;
          }
        }
        pool[w] = i;
        poolU2[w++] = u;
        if (u > best || (u === best && i < bestAt)) {
          best = u;
          bestAt = i;
        }
      }
      size[h] = w - start[h];
      far[h] = best;
      farAt[h] = bestAt;
    }
    size[t] = top - start[t];
  }
  return { order, rowsRead };
}

/** Moves groups 0..t−1's segments to the front of `pool` and `poolU2`, in order; returns the end of the last. */
function compact(pool: Int32Array, poolU2: Float32Array, start: Int32Array, size: Int32Array, t: number): number {
  let w = 0;
  for (let h = 0; h < t; h++) {
    pool.copyWithin(w, start[h], start[h] + size[h]);
    poolU2.copyWithin(w, start[h], start[h] + size[h]);
    start[h] = w;
    w += size[h];
  }
  return w;
}

function meanRow(x: Float32Array, n: number, d: number): Float32Array {
  const sum = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++) for (let j = 0; j < d; j++, o++) sum[j] += x[o];
  const mean = new Float32Array(d);
  for (let j = 0; j < d; j++) mean[j] = sum[j] / n;
  return mean;
}

function squaredDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    const e0 = a[ao + j] - b[bo + j];
    const e1 = a[ao + j + 1] - b[bo + j + 1];
    const e2 = a[ao + j + 2] - b[bo + j + 2];
    const e3 = a[ao + j + 3] - b[bo + j + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; j < d; j++) {
    const e = a[ao + j] - b[bo + j];
    s0 += e * e;
  }
  return s0 + s1 + s2 + s3;
}
