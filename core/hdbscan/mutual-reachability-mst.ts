/**
 * Minimum spanning tree of the mutual-reachability graph, mr(a, b) = max(core_a, core_b, d(a, b)),
 * without ever forming the n × n matrix: Borůvka rounds, each finding every component's
 * lightest outgoing edge.
 *
 * Most of those edges are found from the neighbour lists alone. If p's K nearest neighbours are
 * listed, any edge from p to an unlisted point is at least as long as p's K-th neighbour
 * distance; so when a component's best listed outgoing edge is no heavier than the smallest
 * K-th distance among its points, that edge is provably its lightest one. Components for which
 * the lists cannot prove it (typically whole clusters late in the run, whose lightest edges are
 * long) are searched exactly, one component at a time: their points are grouped by kd-tree
 * bucket and compared on onnxruntime against the buckets that box, ball and core-distance bounds
 * cannot rule out. A component whose lightest edge is known ("settled") bounds every edge into
 * it from below, so later components skip its rows once their own best edge is no heavier;
 * searching the components with the heaviest current best first makes that skip frequent (a
 * mutually nearest pair of clusters is then compared once, not twice).
 * (Projections on the lines between cluster centroids were tried as a further bound and removed:
 * on the benchmark blobs and on manifold-like data they pruned nothing the ball bounds did not.)
 * Ties are broken by the order edges are offered, which is deterministic; Borůvka with a union-
 * find that skips cycle-closing edges still yields a minimum spanning tree under ties.
 */
import type { OnStep } from '../util/progress-event.js';
import { kernelError, type BlockTopK } from './block-top-k.js';
import { bucketBalls, bucketsOf, type KdTree } from './kd-tree.js';
import type { Neighbors } from '../util/neighbors.js';
import { boxGap2, DEFAULT_BLOCKS, type SearchBlocks } from './nearest-neighbors.js';
import { UnionFind } from './union-find.js';

export interface SpanningTree {
  /** n − 1 edges (input-row indices), in the order Borůvka found them. */
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
}

/** Candidates per query taken from each kernel call: a few, so that float32 ranking can usually be certified. */
const TOP = 4;

/** Work done, for benchmarks: Borůvka rounds, searched points and the point pairs compared densely. */
export interface MstStats {
  rounds: number;
  searchedPoints: number;
  comparedPairs: number;
}

/**
 * @param core core distance of every input row.
 * @param neighbours each row's K nearest rows, nearest first (K ≥ 2; more rows per list resolve
 *   more components without a search).
 */
export async function mutualReachabilityMst(
  tree: KdTree,
  kernel: BlockTopK,
  core: Float64Array,
  neighbours: Neighbors<Float64Array>,
  blocks: SearchBlocks = DEFAULT_BLOCKS,
  stats?: MstStats,
  onStep?: OnStep,
): Promise<SpanningTree> {
  const { n } = tree;
  const K = neighbours.k;
  const from = new Int32Array(Math.max(0, n - 1));
  const to = new Int32Array(Math.max(0, n - 1));
  const weight = new Float64Array(Math.max(0, n - 1));
  if (n < 2) return { from, to, weight };
  const search = new OtherComponentSearch(tree, kernel, core, blocks, stats);
  const uf = new UnionFind(n);
  const state: RoundState = {
    comp: new Int32Array(n),
    best: new Float64Array(n),
    bestFrom: new Int32Array(n),
    bestTo: new Int32Array(n),
    settled: new Float64Array(n),
  };
  const { comp, best, bestFrom, bestTo, settled } = state;
  const listBound = new Float64Array(n);
  const size = new Int32Array(n);
  let edges = 0;
  while (edges < n - 1) {
    onStep?.(edges, n - 1);
    if (stats) stats.rounds++;
    const before = edges;
    size.fill(0);
    for (let i = 0; i < n; i++) size[(comp[i] = uf.find(i))]++;
    best.fill(Infinity);
    bestFrom.fill(-1);
    listBound.fill(Infinity);
    for (let p = 0; p < n; p++) {
      const cp = comp[p];
      const o = p * K;
      for (let t = 0; t < K; t++) {
        const q = neighbours.indices[o + t];
        const cq = comp[q];
        if (cq === cp) continue;
        const w = Math.max(core[p], core[q], neighbours.distances[o + t]);
        offer(state, cp, p, q, w);
        offer(state, cq, q, p, w);
      }
      listBound[cp] = Math.min(listBound[cp], neighbours.distances[o + K - 1]);
    }
    settled.fill(0);
    let pending = 0;
    const queries = search.queryBuffer;
    for (let t = 0; t < n; t++) {
      const p = tree.order[t];
      const c = comp[p];
      if (best[c] <= listBound[c]) {
        settled[c] = best[c];
        continue;
      }
      // Only a point whose unlisted edges could beat its component's best needs searching.
      if (neighbours.distances[p * K + K - 1] < best[c] && core[p] < best[c]) queries[pending++] = t;
    }
    if (stats) stats.searchedPoints += pending;
    if (pending > 0) await search.run(pending, state, size);
    for (let c = 0; c < n; c++) {
      if (comp[c] !== c || bestFrom[c] < 0) continue;
      if (uf.union(bestFrom[c], bestTo[c]) < 0) continue;
      from[edges] = bestFrom[c];
      to[edges] = bestTo[c];
      weight[edges] = best[c];
      edges++;
    }
    // Every component has an outgoing edge while more than one is left, unless distances were
    // not finite (float32 overflow); repeating the round would find nothing again, forever.
    if (edges === before) {
      throw new Error(
        `HDBSCAN spanning tree: a Borůvka round joined none of the ${n - edges} components (no finite mutual-reachability distance between them); check the data for values near the float32 limit`,
      );
    }
  }
  onStep?.(edges, n - 1);
  return { from, to, weight };
}

/** Per-round Borůvka state, indexed by point (comp) or by component root (the rest). */
interface RoundState {
  comp: Int32Array;
  best: Float64Array;
  bestFrom: Int32Array;
  bestTo: Int32Array;
  /** The exact lightest outgoing edge weight of components already known, else 0. */
  settled: Float64Array;
}

function offer(s: RoundState, c: number, p: number, q: number, w: number): void {
  if (w < s.best[c]) {
    s.best[c] = w;
    s.bestFrom[c] = p;
    s.bestTo[c] = q;
  }
}

/** The exact search for the lightest edges leaving the components of the queried points. */
class OtherComponentSearch {
  /** Tree rows of the points to search for, filled by the caller. */
  readonly queryBuffer: Int32Array;
  private readonly byComponent: Int32Array;
  private readonly buckets: Int32Array;
  private readonly bucketComp: Int32Array;
  private readonly bucketMinCore: Float64Array;
  private readonly bucketCentroid: Float64Array;
  private readonly bucketRadius: Float64Array;
  private readonly treeCore: Float64Array;
  private readonly lb: Float64Array;
  private readonly byLb: Int32Array;
  private readonly q: Float32Array;
  /** Distance of each query of the group from the centre the kernel uses. */
  private readonly qNorm: Float64Array;
  private readonly r: Float32Array;
  private readonly rcore2: Float32Array;
  private readonly rRow: Int32Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly centre: Float32Array;
  private readonly centroid: Float64Array;
  constructor(
    private readonly tree: KdTree,
    private readonly kernel: BlockTopK,
    private readonly core: Float64Array,
    private readonly blocks: SearchBlocks,
    private readonly stats: MstStats | undefined,
  ) {
    const { d, n } = tree;
    this.queryBuffer = new Int32Array(n);
    this.byComponent = new Int32Array(n);
    this.buckets = bucketsOf(tree, blocks.bucketRows);
    const nb = this.buckets.length;
    this.bucketComp = new Int32Array(nb);
    this.bucketMinCore = new Float64Array(nb).fill(Infinity);
    const balls = bucketBalls(tree, this.buckets);
    this.bucketCentroid = balls.centroid;
    this.bucketRadius = balls.radius;
    this.treeCore = new Float64Array(n);
    for (let t = 0; t < n; t++) this.treeCore[t] = core[tree.order[t]];
    let most = 0;
    for (let b = 0; b < nb; b++) {
      const node = this.buckets[b];
      const s = tree.start[node];
      const e = tree.end[node];
      most = Math.max(most, e - s);
      for (let t = s; t < e; t++) this.bucketMinCore[b] = Math.min(this.bucketMinCore[b], this.treeCore[t]);
    }
    this.lb = new Float64Array(nb);
    this.byLb = new Int32Array(nb);
    const g = blocks.groupRows;
    const chunkCap = Math.max(blocks.chunkRows, TOP) + most;
    this.q = new Float32Array(g * d);
    this.qNorm = new Float64Array(g);
    this.r = new Float32Array(chunkCap * d);
    this.rcore2 = new Float32Array(chunkCap);
    this.rRow = new Int32Array(chunkCap);
    this.lo = new Float64Array(d);
    this.hi = new Float64Array(d);
    this.centre = new Float32Array(d);
    this.centroid = new Float64Array(d);
  }

  /** Searches for queryBuffer[0, count) component by component, settling each component after its last group. */
  async run(count: number, state: RoundState, size: Int32Array): Promise<void> {
    const { tree, buckets } = this;
    const { comp, best, settled } = state;
    const { order } = tree;
    for (let b = 0; b < buckets.length; b++) {
      const node = buckets[b];
      const s = tree.start[node];
      let c = comp[order[s]];
      for (let t = s + 1; t < tree.end[node] && c >= 0; t++) if (comp[order[t]] !== c) c = -1;
      this.bucketComp[b] = c;
    }
    // Components with the heaviest current best (unbounded first), larger first among equals.
    const rows = this.queryBuffer;
    const comps = Array.from(new Set(Array.from(rows.subarray(0, count), (t) => comp[order[t]])));
    comps.sort((a, b) => best[b] - best[a] || size[b] - size[a] || a - b);
    const rank = new Map(comps.map((c, i) => [c, i]));
    const starts = new Int32Array(comps.length + 1);
    for (let i = 0; i < count; i++) starts[rank.get(comp[order[rows[i]]])! + 1]++;
    for (let i = 0; i < comps.length; i++) starts[i + 1] += starts[i];
    const fill = starts.slice(0, comps.length);
    for (let i = 0; i < count; i++) this.byComponent[fill[rank.get(comp[order[rows[i]]])!]++] = rows[i];
    const G = this.blocks.groupRows;
    for (let ci = 0; ci < comps.length; ci++) {
      for (let g0 = starts[ci]; g0 < starts[ci + 1]; g0 += G) {
        await this.searchGroup(g0, Math.min(G, starts[ci + 1] - g0), comps[ci], state);
      }
      settled[comps[ci]] = best[comps[ci]];
    }
  }

  private async searchGroup(g0: number, gm: number, groupComp: number, state: RoundState): Promise<void> {
    const { tree, core, treeCore, buckets, lb, byLb, lo, hi, centre, centroid } = this;
    const { comp, best, settled } = state;
    const { d, order, points } = tree;
    const rows = this.byComponent;
    lo.fill(Infinity);
    hi.fill(-Infinity);
    centroid.fill(0);
    let minCore = Infinity;
    for (let i = 0; i < gm; i++) {
      const o = rows[g0 + i] * d;
      for (let j = 0; j < d; j++) {
        const v = points[o + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
        centroid[j] += v / gm;
      }
      minCore = Math.min(minCore, treeCore[rows[g0 + i]]);
    }
    for (let j = 0; j < d; j++) centre[j] = (lo[j] + hi[j]) / 2;
    let radius = 0;
    for (let i = 0; i < gm; i++) {
      const o = rows[g0 + i] * d;
      this.q.set(points.subarray(o, o + d), i * d);
      radius = Math.max(radius, dist2(points, o, centroid, d));
      let c2 = 0;
      for (let j = 0; j < d; j++) {
        const v = points[o + j] - centre[j];
        c2 += v * v;
      }
      this.qNorm[i] = Math.sqrt(c2);
    }
    radius = Math.sqrt(radius);

    let eligible = 0;
    for (let b = 0; b < buckets.length; b++) {
      const bc = this.bucketComp[b];
      if (bc === groupComp) continue;
      const ball = Math.sqrt(dist2(this.bucketCentroid, b * d, centroid, d)) - radius - this.bucketRadius[b];
      lb[b] = Math.max(Math.sqrt(boxGap2(tree, buckets[b], lo, hi)), ball, this.bucketMinCore[b], minCore, bc >= 0 ? settled[bc] : 0);
      if (lb[b] < best[groupComp]) byLb[eligible++] = b;
    }
    byLb.subarray(0, eligible).sort((a, b) => lb[a] - lb[b] || a - b);

    let n = 0;
    const flush = async (): Promise<void> => {
      if (this.stats) this.stats.comparedPairs += gm * n;
      const top = await this.kernel.nearestReachable(this.q, gm, this.r, this.rcore2, n, centre, Math.min(TOP, n));
      const link = (t: number, rt: number): void => {
        const p = order[t];
        const qq = order[rt];
        const w = Math.max(core[p], treeCore[rt], Math.sqrt(dist2f(points, t * d, rt * d, d)));
        offer(state, groupComp, p, qq, w);
        offer(state, comp[qq], qq, p, w);
      };
      for (let i = 0; i < gm; i++) {
        const t = rows[g0 + i];
        const o = i * top.k;
        for (let u = 0; u < top.k; u++) link(t, this.rRow[top.positions[o + u]]);
        // A row the kernel did not return has max(d², core²) ≥ last value − float32 error (only
        // rows within the best edge of the query matter, which bounds their distance from the
        // centre). Unless that clears the component's best, compare this query exactly.
        const w = best[groupComp];
        const last = top.values[o + top.k - 1];
        const floor = last - kernelError(d, this.qNorm[i], this.qNorm[i] + w) - last * 2 ** -23;
        const own = core[order[t]];
        if (top.k < n && Math.max(own * own, floor) < w * w) {
          for (let r = 0; r < n; r++) link(t, this.rRow[r]);
        }
      }
      n = 0;
    };
    for (let u = 0; u < eligible; u++) {
      const b = byLb[u];
      const bound = best[groupComp];
      if (lb[b] >= bound) break;
      const node = buckets[b];
      for (let t = tree.start[node]; t < tree.end[node]; t++) {
        // Rows of the group's own component, or whose core distance, settled component or
        // distance to the group's ball already rule out an edge lighter than the group's best,
        // are left out (the last costs one row's distance, not one per query).
        const c = comp[order[t]];
        if (c === groupComp || treeCore[t] >= bound || settled[c] >= bound) continue;
        if (Math.sqrt(dist2(points, t * d, centroid, d)) - radius >= bound) continue;
        this.r.set(points.subarray(t * d, t * d + d), n * d);
        this.rcore2[n] = treeCore[t] * treeCore[t];
        this.rRow[n] = t;
        n++;
      }
      if (n >= this.blocks.chunkRows) await flush();
    }
    if (n > 0) await flush();
  }
}

function dist2(a: Float32Array | Float64Array, ao: number, c: Float64Array, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = a[ao + j] - c[j];
    s += v * v;
  }
  return s;
}

function dist2f(points: Float32Array, ao: number, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = points[ao + j] - points[bo + j];
    s += v * v;
  }
  return s;
}
