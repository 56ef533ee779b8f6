/**
 * Stage 4: the representative sample. DuckDB gives the cluster sizes, the allocation rule
 * the quotas (core/sample/allocate-quotas.ts), and DuckDB again the picks: a seeded hash order
 * within each cluster, or each cluster's rows for the rows nearest k-means centres
 * (core/sample/kmeans-picks.ts, diverse) or the farthest-point traversal
 * (core/sample/farthest-point.ts, farthest). Noise (cluster −1) is never picked. When dedup is
 * complete, every query sees only the ids it kept (openRunDatabase keptOnly).
 */
import path from 'node:path';
import { z } from 'zod';
import { FILES, LABELS, ROWS, SAMPLE } from '../../schemas/tables.js';
import type { StageStats } from './index.js';
import { allocateQuotas } from '../../core/sample/allocate-quotas.js';
import { farthestPointOrder } from '../../core/sample/farthest-point.js';
import { kmeansPickOrder } from '../../core/sample/kmeans-picks.js';
import { sessionThreads } from '../../operators/workers/threads.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { writeParquet } from '../../operators/parquet/parquet.js';
import { buildHierarchy } from '../../core/kmeans/hierarchical-kmeans.js';
import { balancedQuotas } from '../../core/sample/balanced-quotas.js';
import { clusterCentroids, clusterRows, embeddingSpaceCentroids, firstUserIds, loadQuotas, randomPicks, writeSampleJsonl, type Pick } from '../../operators/sample/sample-picks.js';
import { loadScores, scoredPicks, type ScoreCounts } from '../../operators/sample/sample-scores.js';
import { clusterSizes } from '../report/cluster-stats.js';
import { SettingsError } from '../settings/settings.js';
import { parseKeyPath, toJsonPath } from '../../core/text/key-path.js';
import { writePlot } from '../report/plot.js';
import { writeReport } from '../report/report.js';
import { measureCoverage } from '../../operators/sample/sample-coverage.js';
import { coverageLines, coverageStats, coverageStatsOf } from '../report/coverage-table.js';
import { sampleWarnings, UNKNOWN_IDS_SQL } from './sample-warnings.js';
import { STATIC_MODEL } from '../../operators/embedders/open-embedder.js';
import { loadTokenCounts, loadTokenizer } from '../../operators/sample/token-counts.js';
import { takeTokenPicks, tokenQuotas } from '../../operators/sample/token-picks.js';
import type { QuotaRule } from '../../core/sample/allocate-quotas.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SettingChange, Stage } from '../run/stage.js';

/** What the sample stage records in manifest.json. */
export const sampleStats = z.object({
  sampled: z.number(),
  clusters_sampled: z.number(),
  clusters: z.number(),
  per_cluster: z.string(),
  within: z.string(),
  /** Rows dedup removed, which the sample could not draw (0 when dedup did not run). */
  dedup_removed: z.number().default(0),
  /** --within top|weighted: ids scored, and those whose score was missing, not a number, or ≤ 0. */
  scores: z.object({ scored: z.number(), missing: z.number(), non_numeric: z.number(), non_positive: z.number() }).optional(),
  /** --sample-tokens: the N asked for, and the tokens the sample holds, counted by token_counter. */
  sample_tokens: z.number().optional(),
  tokens: z.number().optional(),
  token_counter: z.string().optional(),
  /** How well the sample covers the rows, beside random samples of its size (pipeline/report/coverage-table.ts). */
  coverage: coverageStats.optional(),
  /** --hierarchy-clusters: each level's k and the seconds it took to build, bottom-up. */
  hierarchy_levels: z.array(z.object({ k: z.number(), seconds: z.number() })).optional(),
});

/** Random samples the coverage table compares the rule with. */
const RANDOM_SAMPLES = 5;

export const sampleStage: Stage<'sample', typeof sampleStats> = {
  name: 'sample',
  command: {
    summary: 'pick the representative sample',
    usage: 'semclust sample OUTDIR',
    runs: ['sample'],
    help: `semclust sample OUTDIR [FLAGS]
  Picks --sample-size rows (or --sample-tokens tokens) across clusters (noise excluded) and
  writes the original records to OUTDIR/sample.jsonl and (id, cluster, pick, user_id) to
  OUTDIR/sample.parquet; then prints its coverage against 5 seeded random samples of its size.

  semclust sample out/sotu --sample-size 1000 --per-cluster sqrt --within diverse
  semclust sample out/sotu --within farthest   (farthest-point: a cluster's edges and outliers first)
  semclust sample out/sotu --sample-size 77 --per-cluster equal --seed 7
  semclust sample out/big --per-cluster balanced --hierarchy-clusters 100,10
  semclust sample out/big --within top --score-key quality.score
  semclust sample out/sotu --sample-tokens 200000 --token-counter words
  semclust sample out/chat --sample-tokens 2000000 --token-counter tokenizer:meta-llama/Llama-3.1-8B
  semclust sample out/sotu --facet party        (coverage of each party's share too)
  (after semclust dedup OUTDIR, only the kept rows are drawn; see docs/curate.md)`,
  },
  hint: 'SELECT cluster, count(*) AS picked FROM sample GROUP BY 1 ORDER BY 2 DESC LIMIT 10',
  outputs: [FILES.sampleJsonl, SAMPLE.path, FILES.spill],
  stats: sampleStats,
  needs: ['infer'],
  settings: ['sample_size', 'per_cluster', 'within', 'seed', 'score_key', 'hierarchy_clusters', 'hierarchy_resampling', 'facet', 'sample_tokens', 'token_counter'],
  keyed: (s) => [
    'sample_size',
    'facet',
    'per_cluster',
    'within',
    'seed',
    ...(s.within === 'top' || s.within === 'weighted' ? (['score_key'] as const) : []),
    ...(s.per_cluster === 'balanced' ? (['hierarchy_clusters', 'hierarchy_resampling'] as const) : []),
  ],
  // Whether the sample draws from dedup's kept ids, and which: dedup is not in `needs` (it is
  // optional), so its settings key the sample here. They come from the resolved settings,
  // not dedup's recorded key, so a `run` that redoes dedup with a new ε redoes the sample too.
  identity: async (s, _outDir, state) => {
    // Checked while planning, before the old sample is removed.
    if ((s.within === 'top' || s.within === 'weighted') && !s.score_key) {
      throw new SettingsError(`--within ${s.within} ranks by a score: give --score-key PATH (the number in each record, e.g. quality.score)`);
    }
    if (s.sample_tokens !== undefined && s.per_cluster === 'balanced') {
      throw new SettingsError(`--sample-tokens sizes clusters by their tokens with --per-cluster equal or sqrt; balanced quotas are in rows: give --per-cluster sqrt, or --sample-size instead of --sample-tokens`);
    }
    if (s.sample_tokens !== undefined && s.token_counter.startsWith('tokenizer:')) {
      await loadTokenizer(s.token_counter).catch((e: Error) => {
        throw new SettingsError(e.message);
      });
    }
    if (s.per_cluster === 'balanced' && s.hierarchy_clusters && state.isComplete('infer')) {
      let below = state.stats('infer').clusters;
      for (const k of s.hierarchy_clusters) {
        if (k >= below) throw new SettingsError(`--hierarchy-clusters ${s.hierarchy_clusters.join(',')}: each level needs fewer clusters than the level below (${k} ≥ ${below}); the run has ${state.stats('infer').clusters} clusters`);
        below = k;
      }
    }
    if (s.score_key) {
      try {
        toJsonPath(parseKeyPath(s.score_key));
      } catch (e) {
        throw new SettingsError(`--score-key: ${(e as Error).message}`);
      }
    }
    const deduped = state.isComplete('dedup') || s.stages.includes('dedup');
    const fuzzy = s.dedup_methods.includes('fuzzy') ? [s.fuzzy_shingles, s.fuzzy_ngram, s.fuzzy_threshold, s.fuzzy_permutations] : null;
    // --sample-tokens keys the sample but is not remembered (it is not in `keyed`): it holds for the
    // command that gives it, so a later `semclust sample OUTDIR --sample-size N` is sized in rows.
    const tokens = s.sample_tokens !== undefined ? { n: s.sample_tokens, counter: s.token_counter } : null;
    const before = state.record('sample');
    const was = before?.status === 'complete' ? (before.stats?.sample_tokens ?? null) : null;
    const changes: SettingChange[] = [];
    if (before?.status === 'complete' && was !== (tokens?.n ?? null)) changes.push({ key: 'sample_tokens', from: was ?? 'none', to: tokens?.n ?? 'none' });
    if (before?.status === 'complete' && tokens && was === tokens.n && before.stats?.token_counter !== tokens.counter) changes.push({ key: 'token_counter', from: before.stats?.token_counter, to: tokens.counter });
    return { key: { dedup: deduped ? { methods: s.dedup_methods, epsilon: s.dedup_epsilon, keep: s.dedup_keep, seed: s.dedup_keep === 'random' || fuzzy ? s.seed : null, fuzzy } : null, ...(tokens ? { tokens } : {}) }, changes };
  },
  resumable: false,

  async run(ctx): Promise<StageStats<'sample'>> {
    const s = ctx.settings;
    let scores: ScoreCounts | null = null;
    const dims = ctx.state.stats('embed').dims;
    const keptOnly = ctx.state.isComplete('dedup');
    /** The picks of the `quotas` table, in each cluster's pick order. */
    const drawPicks = async (conn: DuckDBConnection): Promise<Pick[]> => {
      if (s.within === 'random') return randomPicks(conn, s.seed);
      if (s.within === 'top' || s.within === 'weighted') {
        scores = await loadScores(conn, s.score_key!);
        return scoredPicks(conn, s.seed, s.within);
      }
      const centroids = s.within === 'farthest' ? await embeddingSpaceCentroids(conn, dims) : null;
      const progress = ctx.progress(`sample: ${s.within} picks`, 'clusters');
      const out: Pick[] = [];
      const quotaOf = new Map<number, number>();
      (await conn.runAndReadAll('SELECT cluster, quota FROM quotas')).getRowsJS().forEach(([c, q]) => quotaOf.set(Number(c), Number(q)));
      let done = 0;
      for await (const c of clusterRows(conn, path.join(ctx.outDir, FILES.spill))) {
        const quota = quotaOf.get(c.cluster)!;
        // Each cluster's k-means is seeded by the run's seed and the cluster, so one cluster's picks
        // do not depend on which other clusters are sampled.
        const order = centroids
          ? farthestPointOrder(c.values, c.ids.length, c.dims, quota, centroids.get(c.cluster))
          : await kmeansPickOrder(c.values, c.ids.length, c.dims, quota, Math.imul(s.seed, 1_000_003) + c.cluster, { threads: sessionThreads(s.threads) });
        order.forEach((r, pick) => out.push({ id: c.ids[r], cluster: c.cluster, pick }));
        progress.update(++done);
      }
      progress.done(done);
      return out;
    };
    let tokens: number | null = null;
    const levels: { k: number; seconds: number }[] = [];
    const { picks, clusters } = await withRunDatabase(ctx.outDir, async (conn) => {
      const sizeMap = await clusterSizes(conn);
      const [[rows, noise]] = (await conn.runAndReadAll(`SELECT count(*)::BIGINT, count(*) FILTER (WHERE ${LABELS.col.cluster} < 0)::BIGINT FROM ${LABELS.name}`)).getRowsJS();
      for (const w of sampleWarnings(s, ctx.outDir, { rows: Number(rows), noise: Number(noise), unknown: s.embedding_model === STATIC_MODEL ? await unknownWordRows(conn) : undefined })) ctx.log(`sample: ${w}`);
      const clusterIds = Int32Array.from(sizeMap.keys());
      const sizes = Int32Array.from(sizeMap.values());
      let quotas: Int32Array;
      let budgets: Int32Array | null = null;
      if (s.sample_tokens !== undefined) {
        // identity() refused per_cluster balanced with sample_tokens.
        await loadTokenCounts(conn, s.token_counter);
        ({ quotas, budgets } = await tokenQuotas(conn, clusterIds, sizes, s.sample_tokens, s.per_cluster as QuotaRule, s.seed));
      } else if (s.per_cluster === 'balanced') {
        const centroids = await clusterCentroids(conn, clusterIds);
        let since = performance.now();
        const onLevel = (level: number, k: number) => {
          const seconds = (performance.now() - since) / 1000;
          since = performance.now();
          levels.push({ k, seconds });
          ctx.log(`sample: hierarchy level ${level} (${(level === 1 ? clusterIds.length : levels[level - 2].k).toLocaleString('en-US')} → ${k.toLocaleString('en-US')} clusters) in ${seconds.toFixed(1)} s`);
        };
        const parents = s.hierarchy_clusters ? await buildHierarchy(centroids.values, clusterIds.length, centroids.dims, { ks: s.hierarchy_clusters, seed: s.seed, resampling: s.hierarchy_resampling, onLevel }) : [];
        quotas = balancedQuotas(sizes, parents, s.sample_size, s.seed);
      } else quotas = allocateQuotas(sizes, s.sample_size, s.per_cluster, s.seed);
      await loadQuotas(conn, clusterIds, quotas);
      const drawn = await drawPicks(conn);
      if (!budgets) return { picks: drawn, clusters: clusterIds.length };
      const cut = await takeTokenPicks(conn, drawn, clusterIds, budgets, s.sample_tokens!);
      tokens = cut.tokens;
      return { picks: cut.picks, clusters: clusterIds.length };
    }, { keptOnly });
    picks.sort((a, b) => a.cluster - b.cluster || a.pick - b.pick);
    const ids = picks.map((p) => p.id);
    const userIds = s.id_key === undefined ? undefined : await withRunDatabase(ctx.outDir, (conn) => firstUserIds(conn, ids));
    writeParquet(path.join(ctx.outDir, SAMPLE.path), SAMPLE, { id: ids, cluster: Int32Array.from(picks, (p) => p.cluster), pick: Int32Array.from(picks, (p) => p.pick), user_id: userIds }, picks.length);
    const file = path.join(ctx.outDir, FILES.sampleJsonl);
    const written = await withRunDatabase(ctx.outDir, (conn) => writeSampleJsonl(conn, file));
    if (written !== picks.length) throw new Error(`${picks.length - written} picked ids have no row in rows/: the run folder is inconsistent; rerun from embed`);
    const clustersPicked = new Set(picks.map((p) => p.cluster)).size;
    const result = ctx.result ?? ctx.log;
    const inTokens = tokens !== null ? ` (${(tokens as number).toLocaleString('en-US')} ${s.token_counter.startsWith('tokenizer:') ? 'tokens' : s.token_counter} of --sample-tokens ${s.sample_tokens!.toLocaleString('en-US')})` : '';
    result(`sample: ${written} records${inTokens} from ${clustersPicked} of ${clusters} clusters → ${file}`);
    const coverage =
      written === 0
        ? undefined
        : coverageStatsOf(
            await withRunDatabase(
              ctx.outDir,
              async (conn) => {
                const progress = ctx.progress('sample: coverage', 'rows');
                const measured = await measureCoverage(conn, { seed: s.seed, randomSamples: RANDOM_SAMPLES, facets: s.facet, onRows: (n) => progress.update(n) });
                progress.done(measured.rows);
                return measured;
              },
              { keptOnly },
            ),
          );
    if (coverage) result(coverageLines(coverage, `${s.per_cluster} + ${s.within}`).join('\n'));
    const plot = await writePlot(ctx.outDir, s.seed, `sample of ${written} (${s.per_cluster}, ${s.within})`);
    if (plot) result(`plot: ${plot}`);
    result(`report: ${await writeReport(ctx.outDir, s, coverage)}`);
    if (scores) {
      const sc: ScoreCounts = scores;
      const unusable = sc.missing + sc.non_numeric + (s.within === 'weighted' ? sc.non_positive : 0);
      ctx.log(
        `sample: ${s.score_key} scored ${sc.scored.toLocaleString('en-US')} ids; missing ${sc.missing.toLocaleString('en-US')}, not a number ${sc.non_numeric.toLocaleString('en-US')}` +
          (s.within === 'weighted' ? `, not positive ${sc.non_positive.toLocaleString('en-US')}` : '') +
          (unusable > 0 ? ' (drawn only after every scored id of their cluster)' : ''),
      );
      if (sc.scored === 0) ctx.log(`sample: warning: no record has a number at ${s.score_key}, so the picks are in seeded random order; check the key path (e.g. semclust query ${ctx.outDir} "SELECT record FROM rows LIMIT 3")`);
    }
    const dedupRemoved = keptOnly ? ctx.state.stats('dedup').removed : 0;
    if (keptOnly) ctx.log(`sample: drawn from the ids dedup kept (${dedupRemoved.toLocaleString('en-US')} near-duplicates left out)`);
    return { sampled: written, clusters_sampled: clustersPicked, clusters, per_cluster: s.per_cluster, within: s.within, dedup_removed: dedupRemoved, ...(scores ? { scores } : {}), ...(tokens !== null ? { sample_tokens: s.sample_tokens, tokens, token_counter: s.token_counter } : {}), ...(coverage ? { coverage } : {}), ...(levels.length > 0 ? { hierarchy_levels: levels } : {}) };
  },
};

/** Rows of the population whose vector is the built-in model's fallback (no known word), and three of their texts. */
async function unknownWordRows(conn: DuckDBConnection): Promise<{ rows: number; examples: string[] }> {
  const l = LABELS.col;
  const [[n]] = (await conn.runAndReadAll(`SELECT count(*)::BIGINT FROM ${LABELS.name} SEMI JOIN (${UNKNOWN_IDS_SQL}) USING (${l.id})`)).getRowsJS();
  if (Number(n) === 0) return { rows: 0, examples: [] };
  const texts = `SELECT DISTINCT ${ROWS.col.text} FROM ${ROWS.name} SEMI JOIN (${UNKNOWN_IDS_SQL}) USING (${l.id}) SEMI JOIN ${LABELS.name} USING (${l.id}) ORDER BY 1 LIMIT 3`;
  return { rows: Number(n), examples: (await conn.runAndReadAll(texts)).getRowsJS().map(([t]) => t as string) };
}
