/**
 * How well a sample covers its population (issue 22), against seeded random samples of the same
 * size drawn uniformly from the same rows (the labelled rows, dedup's kept ids when dedup ran,
 * noise included: what `shuf -n` over the population would give). For each sample:
 *
 * - the distance (Euclidean, embedding space) from every population row to its nearest sampled
 *   row: the sample's rows are the "centroids" of the assignment kernel
 *   (core/kernels/nearest-centroid.ts), the population streams from DuckDB in blocks, and each
 *   distance goes into a quantile sketch (core/metrics/quantile-sketch.ts, 0.01% relative
 *   accuracy: at 0.1% the p90 of SOTU's five random samples fell in one bucket and printed
 *   ± 0.0000, where numpy's exact figures, 1.0007–1.0016, spread 0.0003), so memory holds the
 *   samples' vectors and one block, never a value per row;
 * - the share of clusters (noise apart) with at least one pick;
 * - the Jensen–Shannon divergence between the cluster shares (noise as a category of its own) of
 *   the sample and of the population (core/metrics/share-divergence.ts);
 * - for each facet (a key path into the records), the total variation distance between the
 *   shares of its values in the sample and in the population: the share of the sample that
 *   would have to change value to match; a missing value counts as the value "(missing)".
 *
 * The random samples are ids in md5('coverage:SEED:R:' || id) order, reproducible anywhere; beyond
 * MAX_ROWS rows the distances are measured on the first MAX_ROWS ids in md5('coverage-rows:SEED:' || id) order.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EMBEDDINGS, LABELS, ROWS, SAMPLE } from '../../schemas/tables.js';
import { NearestCentroid } from '../../core/kernels/nearest-centroid.js';
import { QuantileSketch } from '../../core/metrics/quantile-sketch.js';
import { jensenShannon, totalVariation } from '../../core/metrics/share-divergence.js';
import { parseKeyPath, toJsonPath } from '../../core/text/key-path.js';
import { sqlString } from '../duckdb/sql-string.js';

/** One sample's coverage figures. */
export interface CoverageFigures {
  /** Distance from a population row to its nearest sampled row: mean and quantiles. */
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  /** Share of the clusters (noise apart) with at least one pick, in [0, 1]. */
  clusters_picked: number;
  /** Jensen–Shannon divergence (base 2) of the cluster shares, sample vs population. */
  cluster_jsd: number;
  /** Per facet key: total variation distance of its value shares, sample vs population. */
  facets: Record<string, number>;
}

export interface CoverageOptions {
  seed: number;
  /** Random samples to compare with (5 in the sample stage). */
  randomSamples: number;
  /** Key paths into the records whose value shares are compared. */
  facets: readonly string[];
  /** Population rows per kernel call. */
  blockRows?: number;
  /** Rows whose nearest-pick distance is measured: a seeded subset beyond (default MAX_ROWS). */
  maxRows?: number;
  /** Called after each block with the population rows measured so far. */
  onRows?: (rows: number) => void;
}

/**
 * Rows the distances are measured on, a seeded uniform subset beyond: each of the six samples
 * costs rows × picks × dims multiply-adds (at 1M rows, 10,000 picks and 384 dims, 2.3·10¹³ for
 * the six, minutes on a laptop), and the quantiles of 100,000 rows are known to about ±0.1% of
 * rank (the standard error of the p90's rank, √(0.9·0.1/100,000) ≈ 0.001).
 */
export const MAX_ROWS = 100_000;

export interface CoverageResult {
  /** Rows whose distance to the nearest pick was measured (all rows up to maxRows). */
  rows: number;
  /** Rows of the population (the cluster and facet shares are over all of them). */
  population: number;
  /** Rows in each sample. */
  sampled: number;
  rule: CoverageFigures;
  random: CoverageFigures[];
}

const numbers = async (conn: DuckDBConnection, sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();

/**
 * Measures the sample in the `sample` view (sample.parquet, not empty) and `randomSamples` random
 * samples of its size over the views of `conn` (withRunDatabase, keptOnly when dedup ran).
 */
export async function measureCoverage(conn: DuckDBConnection, options: CoverageOptions): Promise<CoverageResult> {
  const l = LABELS.col;
  const runs = options.randomSamples + 1;
  // Run 0 is the rule's sample, runs 1… the random ones.
  await conn.run('CREATE OR REPLACE TEMP TABLE coverage_sets (run INTEGER, id VARCHAR)');
  await conn.run(`INSERT INTO coverage_sets SELECT 0, ${SAMPLE.col.id} FROM ${SAMPLE.name}`);
  const [[sampledBig]] = await numbers(conn, 'SELECT count(*)::BIGINT FROM coverage_sets');
  const sampled = Number(sampledBig);
  if (sampled === 0) throw new RangeError('the sample is empty: there is no coverage to measure');
  for (let r = 1; r < runs; r++) {
    await conn.run(`INSERT INTO coverage_sets SELECT ${r}, ${l.id} FROM ${LABELS.name} ORDER BY md5(${sqlString(`coverage:${options.seed}:${r}:`)} || ${l.id}) LIMIT ${sampled}`);
  }

  // Cluster shares: the population's categories, in one order, for every run.
  const population = new Map<number, number>();
  for (const [c, n] of await numbers(conn, `SELECT ${l.cluster}, count(*)::BIGINT FROM ${LABELS.name} GROUP BY 1`)) population.set(Number(c), Number(n));
  const categories = [...population.keys()].sort((a, b) => a - b);
  const index = new Map(categories.map((c, i) => [c, i]));
  const clusterCounts = Array.from({ length: runs }, () => new Float64Array(categories.length));
  for (const [run, c, n] of await numbers(conn, `SELECT run, ${l.cluster}, count(*)::BIGINT FROM coverage_sets JOIN ${LABELS.name} USING (${l.id}) GROUP BY 1, 2`)) {
    clusterCounts[Number(run)][index.get(Number(c))!] = Number(n);
  }
  const populationCounts = Float64Array.from(categories, (c) => population.get(c)!);
  const clustered = categories.filter((c) => c >= 0);

  const facets = await facetShifts(conn, options.facets, runs);
  const distances = await nearestPickDistances(conn, runs, { ...options, populationRows: categories.reduce((n, c) => n + population.get(c)!, 0) });

  const figures = (run: number): CoverageFigures => {
    const sketch = distances.sketches[run];
    return {
      mean: sketch.mean(),
      p50: sketch.quantile(0.5),
      p90: sketch.quantile(0.9),
      p99: sketch.quantile(0.99),
      clusters_picked: clustered.length === 0 ? 0 : clustered.filter((c) => clusterCounts[run][index.get(c)!] > 0).length / clustered.length,
      cluster_jsd: jensenShannon(clusterCounts[run], populationCounts),
      facets: Object.fromEntries(facets.map((f) => [f.key, f.shift[run]])),
    };
  };
  return { rows: distances.rows, population: populationCounts.reduce((a, b) => a + b, 0), sampled, rule: figures(0), random: Array.from({ length: runs - 1 }, (_, r) => figures(r + 1)) };
}

/** Each run's sample vectors, then the population streamed in blocks through one kernel per run. */
async function nearestPickDistances(conn: DuckDBConnection, runs: number, options: CoverageOptions & { populationRows: number }): Promise<{ rows: number; sketches: QuantileSketch[] }> {
  const e = EMBEDDINGS.col;
  const sketches = Array.from({ length: runs }, () => new QuantileSketch());
  const picked: number[][][] = Array.from({ length: runs }, () => []);
  for (const [run, v] of await numbers(conn, `SELECT run, ${e.embedding} FROM coverage_sets JOIN ${EMBEDDINGS.name} USING (${e.id}) ORDER BY run, ${e.id}`)) {
    picked[Number(run)].push(v as number[]);
  }
  const dims = picked[0][0]?.length ?? 0;
  if (dims === 0) return { rows: 0, sketches };
  const kernels: NearestCentroid[] = [];
  try {
    for (const rows of picked) {
      const values = new Float32Array(rows.length * dims);
      rows.forEach((v, i) => values.set(v, i * dims));
      kernels.push(await NearestCentroid.create(values, rows.length, dims));
    }
    const blockRows = options.blockRows ?? 8192;
    const block = new Float32Array(blockRows * dims);
    const labels = new Int32Array(blockRows);
    const dist = new Float32Array(blockRows);
    let filled = 0;
    let rows = 0;
    const flush = async () => {
      for (let r = 0; r < runs; r++) {
        await kernels[r].assign(block, filled, labels, dist);
        for (let i = 0; i < filled; i++) sketches[r].add(Math.sqrt(dist[i]));
      }
      rows += filled;
      filled = 0;
      options.onRows?.(rows);
    };
    const population = (options.maxRows ?? MAX_ROWS) >= options.populationRows ? LABELS.name : `(SELECT ${LABELS.col.id} FROM ${LABELS.name} ORDER BY md5(${sqlString(`coverage-rows:${options.seed}:`)} || ${LABELS.col.id}) LIMIT ${options.maxRows ?? MAX_ROWS})`;
    const result = await conn.stream(`SELECT ${e.embedding} FROM ${EMBEDDINGS.name} SEMI JOIN ${population} USING (${e.id})`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const vectors = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++) {
        block.set((vectors.getItem(i) as { items: readonly number[] }).items, filled * dims);
        if (++filled === blockRows) await flush();
      }
    }
    if (filled > 0) await flush();
    return { rows, sketches };
  } finally {
    for (const k of kernels) await k.close();
  }
}

/** Per facet key, the total variation distance of each run's value shares from the population's. */
async function facetShifts(conn: DuckDBConnection, keys: readonly string[], runs: number): Promise<{ key: string; shift: number[] }[]> {
  const r = ROWS.col;
  const out: { key: string; shift: number[] }[] = [];
  for (const key of keys) {
    const jsonPath = sqlString(toJsonPath(parseKeyPath(key)));
    // One value per id: that of its first record in input order, as sample.jsonl writes it.
    await conn.run(`CREATE OR REPLACE TEMP TABLE facet_values AS
      SELECT ${r.id} AS id, coalesce(arg_min(CASE WHEN json_valid(${r.record}) THEN json_extract_string(${r.record}, ${jsonPath}) END, (${r.source}, ${r.line})), '(missing)') AS value
      FROM ${ROWS.name} SEMI JOIN ${LABELS.name} USING (${r.id}) GROUP BY 1`);
    const values = new Map<string, number>();
    const population: number[] = [];
    for (const [v, n] of await numbers(conn, 'SELECT value, count(*)::BIGINT FROM facet_values GROUP BY 1')) {
      values.set(v as string, population.length);
      population.push(Number(n));
    }
    const counts = Array.from({ length: runs }, () => new Float64Array(population.length));
    for (const [run, v, n] of await numbers(conn, 'SELECT run, value, count(*)::BIGINT FROM coverage_sets JOIN facet_values USING (id) GROUP BY 1, 2')) {
      counts[Number(run)][values.get(v as string)!] = Number(n);
    }
    out.push({ key, shift: counts.map((c) => totalVariation(c, population)) });
  }
  return out;
}
