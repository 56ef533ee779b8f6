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
 * bucket and compared on onnxruntime against the buckets that box, ball, core-distance and
 * separation bounds cannot rule out. The separation bound projects a group and a bucket on the
 * line through the centroids of the "parts" they lie in, parts being the largest components of
 * the first round that needed a search and had two sizeable components (in practice the
 * clusters): in 20–50 dimensions boxes and
 * balls of well separated clusters still overlap, but their projections on that line do not.
 * A component whose lightest edge is known ("settled") bounds every edge into it
 * from below, so later components skip its rows once their own best edge is no heavier; searching
 * the components with the heaviest current best first makes that skip frequent (a mutually
 * nearest pair of clusters is then compared once, not twice).
 * Ties are broken by the order edges are offered, which is deterministic; Borůvka with a union-
 * find that skips cycle-closing edges still yields a minimum spanning tree under ties.
 */
import { kernelError, type BlockTopK } from './block-top-k.js';
import { bucketBalls, bucketsOf, type KdTree } from './kd-tree.js';
import { boxGap2, DEFAULT_BLOCKS, type Neighbours, type SearchBlocks } from './nearest-neighbours.js';
import { UnionFind } from './union-find.js';

export interface SpanningTree {
  /** n − 1 edges (input-row indices), in the order Borůvka found them. */
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
}

/** Candidates per query taken from each kernel call: a few, so that float32 ranking can usually be certified. */
const TOP = 4;
/** Separation bounds are kept for at most this many parts (the largest components when fixed). */
const PARTS = 32;

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
  neighbours: Neighbours,
  blocks: SearchBlocks = DEFAULT_BLOCKS,
  stats?: MstStats,
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
    if (stats) stats.rounds++;
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
  }
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
  /** Part of each tree row, −1 outside the parts; fixed at the first search that finds two. */
  private partOf: Int32Array | null = null;
  private partCount = 0;
  private readonly partCentroid: Float64Array;
  private readonly bucketPart: Int32Array;
  /** Part whose directions `direction` and `bucketNear` currently hold, −1 if none. */
  private projectedPart = -1;
  /** Unit directions from the projected part's centroid to every part's. */
  private readonly direction: Float64Array;
  /** Per tree row of a part other than the projected one: its projection on the direction to its part. */
  private readonly rowNear: Float64Array;
  /** Per part-pure bucket: its lowest projection on the direction to its part. */
  private readonly bucketNear: Float64Array;
  /** Per part: the current group's highest projection on the direction to it. */
  private readonly groupFar: Float64Array;
  /** Per part: its lowest projection on the direction to it, and one of its rows (input index). */
  private readonly partNear: Float64Array;
  private readonly partMember: Int32Array;

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
    this.partCentroid = new Float64Array(PARTS * d);
    this.bucketPart = new Int32Array(nb).fill(-1);
    this.direction = new Float64Array(PARTS * d);
    this.rowNear = new Float64Array(n);
    this.bucketNear = new Float64Array(nb);
    this.groupFar = new Float64Array(PARTS);
    this.partNear = new Float64Array(PARTS);
    this.partMember = new Int32Array(PARTS);
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
    // Parts need two sizeable components to give directions; until then, take them again.
    const partOf = this.partCount >= 2 ? this.partOf! : this.fixParts(comp, size);
    const G = this.blocks.groupRows;
    for (let ci = 0; ci < comps.length; ci++) {
      const c = comps[ci];
      // Within a component, rows of one part together (then tree order) so groups are part-pure;
      // groups closest to another part go first, so that the component's best edge is tight
      // before the bulk of its groups are searched.
      const span = this.byComponent.subarray(starts[ci], starts[ci + 1]);
      span.sort((a, b) => partOf[a] - partOf[b] || a - b);
      const groups: number[] = [];
      for (let g0 = starts[ci]; g0 < starts[ci + 1]; g0 += G) groups.push(g0);
      const gap = new Map(groups.map((g0) => [g0, this.separationGap(g0, Math.min(G, starts[ci + 1] - g0), c, comp)]));
      groups.sort((a, b) => gap.get(a)! - gap.get(b)! || a - b);
      for (const g0 of groups) await this.searchGroup(g0, Math.min(G, starts[ci + 1] - g0), c, state);
      settled[c] = best[c];
    }
  }

  /** Takes the largest current components (of at least a bucket's worth of rows) as the parts. */
  private fixParts(comp: Int32Array, size: Int32Array): Int32Array {
    const { tree, buckets } = this;
    const { d, n, points, order } = tree;
    const roots: number[] = [];
    for (let c = 0; c < n; c++) if (comp[c] === c && size[c] >= this.blocks.bucketRows) roots.push(c);
    roots.sort((a, b) => size[b] - size[a] || a - b);
    this.partCount = Math.min(PARTS, roots.length);
    const index = new Map(roots.slice(0, this.partCount).map((c, i) => [c, i]));
    const partOf = new Int32Array(n).fill(-1);
    const cen = this.partCentroid.fill(0);
    this.projectedPart = -1;
    for (let t = 0; t < n; t++) {
      const c = comp[order[t]];
      const part = index.get(c);
      if (part === undefined) continue;
      partOf[t] = part;
      this.partMember[part] = order[t];
      for (let j = 0; j < d; j++) cen[part * d + j] += points[t * d + j] / size[c];
    }
    for (let b = 0; b < buckets.length; b++) {
      const node = buckets[b];
      let part = partOf[tree.start[node]];
      for (let t = tree.start[node] + 1; t < tree.end[node] && part >= 0; t++) if (partOf[t] !== part) part = -1;
      this.bucketPart[b] = part;
    }
    this.partOf = partOf;
    return partOf;
  }

  /** Directions from part a to every part, and each part-pure bucket's near end along its direction. */
  private projectBuckets(a: number): void {
    const { tree, buckets } = this;
    const { d, points } = tree;
    const cen = this.partCentroid;
    const dir = this.direction;
    for (let s = 0; s < this.partCount; s++) {
      let len = 0;
      for (let j = 0; j < d; j++) {
        dir[s * d + j] = cen[s * d + j] - cen[a * d + j];
        len += dir[s * d + j] * dir[s * d + j];
      }
      len = Math.sqrt(len);
      for (let j = 0; j < d; j++) dir[s * d + j] = len > 0 ? dir[s * d + j] / len : 0;
    }
    const partOf = this.partOf!;
    for (let t = 0; t < tree.n; t++) {
      const s = partOf[t];
      this.rowNear[t] = s >= 0 && s !== a ? dot(points, t * d, dir, s * d, d) : -Infinity;
    }
    this.partNear.fill(Infinity);
    for (let b = 0; b < buckets.length; b++) {
      const s = this.bucketPart[b];
      if (s < 0 || s === a) continue;
      let near = Infinity;
      for (let t = tree.start[buckets[b]]; t < tree.end[buckets[b]]; t++) near = Math.min(near, this.rowNear[t]);
      this.bucketNear[b] = near;
      this.partNear[s] = Math.min(this.partNear[s], near);
    }
    this.projectedPart = a;
  }

  /**
   * The part of rows[g0, g0 + gm) if they share one, after projecting that group on the directions
   * to every part (groupFar); −1 otherwise.
   */
  private projectGroup(g0: number, gm: number): number {
    const { d, points } = this.tree;
    const rows = this.byComponent;
    const partOf = this.partOf!;
    let part = partOf[rows[g0]];
    for (let i = 1; i < gm && part >= 0; i++) if (partOf[rows[g0 + i]] !== part) part = -1;
    if (part < 0) return -1;
    if (this.projectedPart !== part) this.projectBuckets(part);
    for (let s = 0; s < this.partCount; s++) {
      let far = -Infinity;
      for (let i = 0; i < gm; i++) far = Math.max(far, dot(points, rows[g0 + i] * d, this.direction, s * d, d));
      this.groupFar[s] = far;
    }
    return part;
  }

  /** Lower bound on the distance from a group to any part of another component (−∞ if unknown). */
  private separationGap(g0: number, gm: number, groupComp: number, comp: Int32Array): number {
    const part = this.projectGroup(g0, gm);
    if (part < 0) return -Infinity;
    let gap = Infinity;
    for (let s = 0; s < this.partCount; s++) {
      if (comp[this.partMember[s]] === groupComp) continue;
      gap = Math.min(gap, this.partNear[s] - this.groupFar[s]);
    }
    return gap;
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
    const groupPart = this.projectGroup(g0, gm);
    const partOf = this.partOf!;

    let eligible = 0;
    for (let b = 0; b < buckets.length; b++) {
      const bc = this.bucketComp[b];
      if (bc === groupComp) continue;
      const ball = Math.sqrt(dist2(this.bucketCentroid, b * d, centroid, d)) - radius - this.bucketRadius[b];
      const sb = this.bucketPart[b];
      const gap = groupPart >= 0 && sb >= 0 && sb !== groupPart ? this.bucketNear[b] - this.groupFar[sb] : 0;
      lb[b] = Math.max(Math.sqrt(boxGap2(tree, buckets[b], lo, hi)), ball, gap, this.bucketMinCore[b], minCore, bc >= 0 ? settled[bc] : 0);
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
        // Rows of the group's own component, or whose core distance, settled component, distance
        // to the group's ball or separation from the group already rule out an edge lighter than
        // the group's best, are left out (the last two cost one dot product, not 256).
        const c = comp[order[t]];
        if (c === groupComp || treeCore[t] >= bound || settled[c] >= bound) continue;
        const sq = partOf[t];
        if (groupPart >= 0 && sq >= 0 && sq !== groupPart && this.rowNear[t] - this.groupFar[sq] >= bound) continue;
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

function dot(a: Float32Array, ao: number, u: Float64Array, uo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ao + j] * u[uo + j];
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
