/**
 * Exact k nearest neighbours of query rows among the rows of a kd-tree.
 *
 * In 20–50 dimensions a kd-tree prunes little inside a cluster (every bounding box near a query
 * is closer than its k-th neighbour), so per-point tree descents end up scanning most of the
 * cluster one distance at a time. Instead, queries are grouped by kd cell, and each group is
 * compared densely (BlockTopK on onnxruntime) against whole buckets in order of distance bound
 * (the larger of the box gap and the gap between bounding balls, the latter being the useful one
 * in high dimensions), stopping at the first bucket farther than every query's k-th neighbour so
 * far. The tree prunes between clusters; the dense kernel does the work inside them.
 *
 * The kernel only proposes candidates: each query keeps its k best in double precision, and the
 * float32 proposals are trusted only as far as kernelError() allows. When the kernel's ranking
 * cannot rule out a row it did not return (a tight clump far from its group's centre), that query
 * compares against the chunk exactly instead. So the result is exact whatever the data.
 */
import type { Neighbors } from '../util/neighbors.js';
import type { OnStep } from '../util/progress-event.js';
import { kernelError, type BlockTopK } from './block-top-k.js';
import { bucketBalls, bucketsOf, type KdTree } from './kd-tree.js';


export interface SearchBlocks {
  /** Rows of fitted points per bucket (the pruning unit). */
  bucketRows: number;
  /** Query rows per kernel call. */
  groupRows: number;
  /** Reference rows gathered before the first kernel call of a query group (which sets its bound). */
  firstRows: number;
  /** Reference rows gathered before each later kernel call. */
  chunkRows: number;
}

export const DEFAULT_BLOCKS: SearchBlocks = { bucketRows: 128, groupRows: 256, firstRows: 1024, chunkRows: 4096 };

/** Candidates the kernel returns beyond k, so that its float32 ranking can usually be certified. */
const SPARE = 3;
/** Queries whose k-th candidate is this much farther (squared) than their group's median are searched apart. */
const SPARSE_RATIO2 = 4;

/** m × k input-row indices of the fitted points and their Euclidean distances. */
export async function nearestNeighbors(
  tree: KdTree,
  kernel: BlockTopK,
  queries: Float32Array,
  m: number,
  k: number,
  blocks: SearchBlocks = DEFAULT_BLOCKS,
  onStep?: OnStep,
): Promise<Neighbors<Float64Array>> {
  const { d, n } = tree;
  if (k < 1 || k > n) throw new RangeError(`k must be in [1, ${n}], got ${k}`);
  if (queries.length < m * d) throw new RangeError(`queries hold ${queries.length} values, expected ${m} × ${d}`);
  const kk = Math.min(n, k + SPARE);
  const buckets = bucketsOf(tree, blocks.bucketRows);
  const { order: qOrder, groups } = groupQueries(tree, buckets, queries, m, blocks.groupRows);

  const indices = new Int32Array(m * k);
  const distances = new Float64Array(m * k);
  const group = blocks.groupRows;
  // Every query needs kk proposals from its first kernel call, so a chunk holds at least kk rows.
  const chunkMin = Math.max(blocks.chunkRows, kk);
  const firstMin = Math.max(blocks.firstRows, kk);
  const chunkCap = chunkMin + maxRows(tree, buckets);
  const qBuf = new Float32Array(group * d);
  const qNorm = new Float64Array(group);
  const rBuf = new Float32Array(chunkCap * d);
  const rRow = new Int32Array(chunkCap);
  // Each query's k best so far: exact squared distances, ascending, with tree rows.
  const bestVal = new Float64Array(group * k);
  const bestRow = new Int32Array(group * k);
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const centre = new Float32Array(d);
  const bucketLb = new Float64Array(buckets.length);
  const byLb = new Int32Array(buckets.length);
  const balls = bucketBalls(tree, buckets);
  const centroid = new Float64Array(d);

  const ids = new Int32Array(group);
  const kth = new Float64Array(group);
  const deferred = new Int32Array(m);
  let deferredCount = 0;

  /** Offers tree row `row` to query slot i at its exact squared distance. */
  const offer = (i: number, row: number): void => {
    const at = i * k;
    const qo = ids[i] * d;
    const po = row * d;
    let s2 = 0;
    for (let j = 0; j < d; j++) {
      const v = queries[qo + j] - tree.points[po + j];
      s2 += v * v;
    }
    // Ascending by distance, equal distances by input row, so results do not depend on chunking.
    const id = tree.order[row];
    let u = k;
    while (u > 0) {
      const v = bestVal[at + u - 1];
      if (v < s2 || (v === s2 && tree.order[bestRow[at + u - 1]] < id)) break;
      if (u < k) {
        bestVal[at + u] = v;
        bestRow[at + u] = bestRow[at + u - 1];
      }
      u--;
    }
    if (u === k) return;
    bestVal[at + u] = s2;
    bestRow[at + u] = row;
  };

  /** Searches for the queries ids[0, gm); may set aside queries far sparser than the rest of the group. */
  const runGroup = async (gm: number, mayDefer: boolean): Promise<void> => {
    lo.fill(Infinity);
    hi.fill(-Infinity);
    for (let i = 0; i < gm; i++) {
      const o = ids[i] * d;
      for (let j = 0; j < d; j++) {
        const v = queries[o + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    for (let j = 0; j < d; j++) centre[j] = (lo[j] + hi[j]) / 2;
    centroid.fill(0);
    for (let i = 0; i < gm; i++) {
      const o = ids[i] * d;
      qBuf.set(queries.subarray(o, o + d), i * d);
      let c2 = 0;
      for (let j = 0; j < d; j++) {
        centroid[j] += queries[o + j];
        const v = queries[o + j] - centre[j];
        c2 += v * v;
      }
      qNorm[i] = Math.sqrt(c2);
    }
    for (let j = 0; j < d; j++) centroid[j] /= gm;
    let radius = 0;
    for (let i = 0; i < gm; i++) {
      const o = ids[i] * d;
      let s2 = 0;
      for (let j = 0; j < d; j++) {
        const v = queries[o + j] - centroid[j];
        s2 += v * v;
      }
      radius = Math.max(radius, s2);
    }
    radius = Math.sqrt(radius);
    for (let b = 0; b < buckets.length; b++) {
      let c2 = 0;
      for (let j = 0; j < d; j++) {
        const v = balls.centroid[b * d + j] - centroid[j];
        c2 += v * v;
      }
      const ball = Math.max(0, Math.sqrt(c2) - radius - balls.radius[b]);
      bucketLb[b] = Math.max(boxGap2(tree, buckets[b], lo, hi), ball * ball);
      byLb[b] = b;
    }
    byLb.sort((a, b) => bucketLb[a] - bucketLb[b] || a - b);
    bestVal.fill(Infinity, 0, gm * k);
    bestRow.fill(-1, 0, gm * k);

    let bound2 = Infinity;
    let rows = 0;
    const flush = async (): Promise<void> => {
      const top = await kernel.nearest(qBuf, gm, rBuf, rows, centre, Math.min(kk, rows));
      for (let i = 0; i < gm; i++) {
        const o = i * top.k;
        const last = i * k + k - 1;
        // Proposals are taken in order until their value, less the float32 error, exceeds the
        // k-th best (unknown before a query's first call: then all of them are taken).
        const err = uncertainty(d, qNorm[i], bestVal[last]);
        for (let u = 0; u < top.k && top.values[o + u] - err <= bestVal[last]; u++) offer(i, rRow[top.positions[o + u]]);
        // Rows the kernel did not return are at least (last value − error) away; if that does not
        // clear the k-th best, float32 cannot decide for this query: compare the chunk exactly.
        if (top.k < rows && top.values[o + top.k - 1] - uncertainty(d, qNorm[i], bestVal[last]) <= bestVal[last]) {
          const kept = new Set(bestRow.subarray(i * k, i * k + k));
          for (let r = 0; r < rows; r++) if (!kept.has(rRow[r])) offer(i, rRow[r]);
        }
      }
      let worst = 0;
      for (let i = 0; i < gm; i++) worst = Math.max(worst, bestVal[i * k + k - 1]);
      bound2 = worst;
      rows = 0;
    };
    // The group's bound is its widest query's: a few sparse (noise) queries among dense ones
    // would make the whole group scan far. After the first call they are set aside and
    // searched later among themselves, and the rest restarts with a tight box.
    const setAsideSparse = async (): Promise<boolean> => {
      for (let i = 0; i < gm; i++) kth[i] = bestVal[i * k + k - 1];
      const sorted = kth.slice(0, gm).sort();
      const limit = SPARSE_RATIO2 * sorted[gm >> 1];
      let kept = 0;
      for (let i = 0; i < gm; i++) {
        if (kth[i] > limit) deferred[deferredCount++] = ids[i];
        else ids[kept++] = ids[i];
      }
      if (kept === gm) return false;
      await runGroup(kept, false);
      return true;
    };
    let first = true;
    for (let t = 0; t < buckets.length; t++) {
      const b = byLb[t];
      if (bucketLb[b] > bound2) break;
      const node = buckets[b];
      const s = tree.start[node];
      const count = tree.end[node] - s;
      rBuf.set(tree.points.subarray(s * d, (s + count) * d), rows * d);
      for (let i = 0; i < count; i++) rRow[rows + i] = s + i;
      rows += count;
      // A small first call gives every query a bound; later calls are larger to amortise overhead.
      if (rows >= (first ? firstMin : chunkMin)) {
        await flush();
        if (first && mayDefer && (await setAsideSparse())) return;
        first = false;
      }
    }
    if (rows > 0) await flush();

    for (let i = 0; i < gm; i++) {
      const q = ids[i];
      for (let t = 0; t < k; t++) {
        indices[q * k + t] = tree.order[bestRow[i * k + t]];
        distances[q * k + t] = Math.sqrt(bestVal[i * k + t]);
      }
    }
  };

  // Progress in queries placed: the deferred ones are counted again when searched apart.
  let placed = 0;
  for (let g = 0; g < groups.length; g += 2) {
    onStep?.(placed, m + deferredCount);
    ids.set(qOrder.subarray(groups[g], groups[g + 1]));
    await runGroup(groups[g + 1] - groups[g], true);
    placed += groups[g + 1] - groups[g];
  }
  for (let g0 = 0; g0 < deferredCount; g0 += group) {
    onStep?.(placed + g0, m + deferredCount);
    const gm = Math.min(group, deferredCount - g0);
    ids.set(deferred.subarray(g0, g0 + gm));
    await runGroup(gm, false);
  }
  onStep?.(m + deferredCount, m + deferredCount);
  return { rows: m, k, indices, distances };
}

/**
 * Query row ids in search order and the groups ([from, to) pairs into it) to search them in:
 * the queries of the largest kd subtrees holding at most `group` of them (a bucket with more is
 * cut into runs), so that a group lies in one kd cell. Cells with fewer than group / 8 queries
 * (sparse regions: outliers, the fringes of clusters) would make for kernel calls too small to
 * be efficient, so their queries are pooled, in tree order, into groups of their own at the end.
 */
function groupQueries(tree: KdTree, buckets: Int32Array, queries: Float32Array, m: number, group: number): { order: Int32Array; groups: number[] } {
  const bucketOf = new Int32Array(tree.nodeCount).fill(-1);
  for (let b = 0; b < buckets.length; b++) bucketOf[buckets[b]] = b;
  const home = new Int32Array(m);
  const starts = new Int32Array(buckets.length + 1);
  for (let i = 0; i < m; i++) {
    let node = 0;
    while (bucketOf[node] < 0) {
      node = queries[i * tree.d + tree.splitDim[node]] < tree.splitValue[node] ? tree.left[node] : tree.right[node];
    }
    home[i] = bucketOf[node];
    starts[home[i] + 1]++;
  }
  for (let b = 0; b < buckets.length; b++) starts[b + 1] += starts[b];
  const fill = starts.slice(0, buckets.length);
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[fill[home[i]]++] = i;

  // Buckets tile the tree rows in order, so a subtree's buckets (and queries) are contiguous.
  const bucketStart = Int32Array.from(buckets, (node) => tree.start[node]);
  const firstBucket = (row: number): number => {
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (bucketStart[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const dense: number[] = [];
  const sparse: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const from = starts[firstBucket(tree.start[node])];
    const to = starts[firstBucket(tree.end[node] - 1) + 1];
    if (to === from) continue;
    if (to - from <= group || bucketOf[node] >= 0) {
      if (to - from < group / 8) for (let i = from; i < to; i++) sparse.push(order[i]);
      else for (let g = from; g < to; g += group) dense.push(g, Math.min(to, g + group));
    } else {
      stack.push(tree.right[node], tree.left[node]);
    }
  }
  const searchOrder = new Int32Array(m);
  const groups: number[] = [];
  let at = 0;
  for (let g = 0; g < dense.length; g += 2) {
    groups.push(at, at + dense[g + 1] - dense[g]);
    searchOrder.set(order.subarray(dense[g], dense[g + 1]), at);
    at += dense[g + 1] - dense[g];
  }
  for (let g = 0; g < sparse.length; g += group) {
    const count = Math.min(group, sparse.length - g);
    groups.push(at, at + count);
    for (let i = 0; i < count; i++) searchOrder[at++] = sparse[g + i];
  }
  return { order: searchOrder, groups };
}

/**
 * The float32 error to allow on a kernel value for a query at distance qNorm from the centre when
 * only rows within sqrt(kth2) of it matter: any row farther from the centre than qNorm + sqrt(kth2)
 * is farther than that from the query anyway. Infinite until the query has k candidates.
 */
function uncertainty(d: number, qNorm: number, kth2: number): number {
  return kernelError(d, qNorm, qNorm + Math.sqrt(kth2));
}

function maxRows(tree: KdTree, buckets: Int32Array): number {
  let most = 0;
  for (const node of buckets) most = Math.max(most, tree.end[node] - tree.start[node]);
  return most;
}

/** Squared distance between a node's bounding box and the box [lo, hi]. */
export function boxGap2(tree: KdTree, node: number, lo: Float64Array, hi: Float64Array): number {
  const d = tree.d;
  const o = node * d;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const gap = Math.max(tree.lower[o + j] - hi[j], lo[j] - tree.upper[o + j], 0);
    s += gap * gap;
  }
  return s;
}
