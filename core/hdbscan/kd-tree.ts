/**
 * A kd-tree over row-major Float32Array points, stored as flat arrays: nodes in preorder, each
 * covering a contiguous range of `points` (a copy of the input reordered so that every node's
 * rows are adjacent, which keeps leaf scans and block copies sequential in memory).
 * Splits cut the widest dimension of a node's bounding box at its midpoint. Unlike median splits,
 * which keep a few far outliers in almost every node and so inflate nearly every box, midpoint
 * splits peel sparse points off dense clusters early, which is what makes the boxes useful for
 * pruning. Both sides are never empty (the box is that of the node's own rows); deeper than
 * MEDIAN_DEPTH, splits fall back to the median so that adversarial spacing cannot make the tree
 * deep. The shape depends only on the data, never on insertion order or randomness.
 */
import { takeRows } from '../util/rows.js';

export interface KdTree {
  n: number;
  d: number;
  /** The input rows in tree order (row i is input row order[i]). */
  points: Float32Array;
  order: Int32Array;
  nodeCount: number;
  /** Row range [start, end) of each node in tree order. */
  start: Int32Array;
  end: Int32Array;
  /** Child node ids, −1 for leaves; the left child holds the rows below splitValue (at most it, for median splits). */
  left: Int32Array;
  right: Int32Array;
  splitDim: Int32Array;
  splitValue: Float64Array;
  /** Bounding box of each node's rows, nodeCount × d. */
  lower: Float32Array;
  upper: Float32Array;
}

const MEDIAN_DEPTH = 40;

export function buildKdTree(data: Float32Array, n: number, d: number, leafSize = 32): KdTree {
  if (data.length < n * d) throw new RangeError(`data holds ${data.length} values, expected ${n} × ${d}`);
  if (!Number.isInteger(leafSize) || leafSize < 1) throw new RangeError(`leafSize must be a positive integer, got ${leafSize}`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  // Every split leaves rows on both sides, so there are fewer than 2n nodes.
  const capacity = Math.max(1, 2 * n - 1);
  const start = new Int32Array(capacity);
  const end = new Int32Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const splitDim = new Int32Array(capacity).fill(-1);
  const splitValue = new Float64Array(capacity);
  let lower: Float32Array = new Float32Array(Math.min(capacity, 1024) * d);
  let upper: Float32Array = new Float32Array(lower.length);
  let nodeCount = 0;

  // Preorder with an explicit stack: [lo, hi, depth, slot to write the node id into (parent·2 + side) or −1].
  const stack: number[] = n > 0 ? [0, n, 0, -1] : [];
  while (stack.length > 0) {
    const link = stack.pop()!;
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    const node = nodeCount++;
    if (link >= 0) (link & 1 ? right : left)[link >> 1] = node;
    if (node * d + d > lower.length) {
      lower = grow(lower, Math.min(capacity, 2 * node) * d);
      upper = grow(upper, lower.length);
    }
    start[node] = lo;
    end[node] = hi;
    const bo = node * d;
    for (let j = 0; j < d; j++) {
      lower[bo + j] = Infinity;
      upper[bo + j] = -Infinity;
    }
    for (let i = lo; i < hi; i++) {
      const o = order[i] * d;
      for (let j = 0; j < d; j++) {
        const v = data[o + j];
        if (v < lower[bo + j]) lower[bo + j] = v;
        if (v > upper[bo + j]) upper[bo + j] = v;
      }
    }
    if (hi - lo <= leafSize) continue;
    let dim = 0;
    let spread = -1;
    for (let j = 0; j < d; j++) {
      const s = upper[bo + j] - lower[bo + j];
      if (s > spread) {
        spread = s;
        dim = j;
      }
    }
    if (spread <= 0) continue; // all rows identical: nothing to split on
    let mid: number;
    if (depth < MEDIAN_DEPTH) {
      const cut = lower[bo + dim] + spread / 2;
      mid = partitionBelow(data, d, dim, order, lo, hi, cut);
      splitValue[node] = cut;
    } else {
      mid = (lo + hi) >>> 1;
      selectNth(data, d, dim, order, lo, hi - 1, mid);
      splitValue[node] = data[order[mid] * d + dim];
    }
    splitDim[node] = dim;
    stack.push(mid, hi, depth + 1, node * 2 + 1, lo, mid, depth + 1, node * 2);
  }

  const points = takeRows(data, d, order);
  return {
    n,
    d,
    points,
    order,
    nodeCount,
    start: start.slice(0, nodeCount),
    end: end.slice(0, nodeCount),
    left: left.slice(0, nodeCount),
    right: right.slice(0, nodeCount),
    splitDim: splitDim.slice(0, nodeCount),
    splitValue: splitValue.slice(0, nodeCount),
    lower: lower.slice(0, nodeCount * d),
    upper: upper.slice(0, nodeCount * d),
  };
}

function grow(a: Float32Array, length: number): Float32Array {
  const b = new Float32Array(length);
  b.set(a);
  return b;
}

/** Moves rows with coordinate `dim` below `cut` to the front of order[lo, hi); returns where the rest start. */
function partitionBelow(data: Float32Array, d: number, dim: number, order: Int32Array, lo: number, hi: number, cut: number): number {
  let i = lo;
  let j = hi - 1;
  for (;;) {
    while (i <= j && data[order[i] * d + dim] < cut) i++;
    while (i <= j && data[order[j] * d + dim] >= cut) j--;
    if (i >= j) return i;
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/** Rearranges order[lo..hi] so that order[nth] has the nth smallest coordinate `dim` (Hoare selection). */
function selectNth(data: Float32Array, d: number, dim: number, order: Int32Array, lo: number, hi: number, nth: number): void {
  while (hi > lo) {
    const pivot = median3(
      data[order[lo] * d + dim],
      data[order[(lo + hi) >>> 1] * d + dim],
      data[order[hi] * d + dim],
    );
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (data[order[i] * d + dim] < pivot) i++;
      while (data[order[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

/**
 * Nodes that hold at most `size` rows while their parent holds more, in tree order: the
 * blocks that nearest-neighbour searches prune and compare as a whole.
 */
export function bucketsOf(tree: KdTree, size: number): Int32Array {
  const out: number[] = [];
  const stack = tree.nodeCount > 0 ? [0] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (tree.end[node] - tree.start[node] <= size || tree.left[node] < 0) out.push(node);
    else stack.push(tree.right[node], tree.left[node]);
  }
  return Int32Array.from(out);
}

/** Centroid (buckets × d) and radius (largest distance from the centroid) of each bucket's rows. */
export function bucketBalls(tree: KdTree, buckets: Int32Array): { centroid: Float64Array; radius: Float64Array } {
  const { d, points } = tree;
  const centroid = new Float64Array(buckets.length * d);
  const radius = new Float64Array(buckets.length);
  for (let b = 0; b < buckets.length; b++) {
    const s = tree.start[buckets[b]];
    const e = tree.end[buckets[b]];
    const o = b * d;
    for (let t = s; t < e; t++) for (let j = 0; j < d; j++) centroid[o + j] += points[t * d + j];
    for (let j = 0; j < d; j++) centroid[o + j] /= e - s;
    let r = 0;
    for (let t = s; t < e; t++) {
      let s2 = 0;
      for (let j = 0; j < d; j++) {
        const v = points[t * d + j] - centroid[o + j];
        s2 += v * v;
      }
      r = Math.max(r, s2);
    }
    radius[b] = Math.sqrt(r);
  }
  return { centroid, radius };
}
