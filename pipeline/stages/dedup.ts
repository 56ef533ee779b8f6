/**
 * The dedup stage, three methods in order, each over the rows the earlier ones kept: exact
 * (later rows with an earlier row's id, i.e. its text), fuzzy (MinHash + LSH over normalised
 * shingles, operators/dedup/lexical-dedup.ts) and semantic (SemDeDup, Abbas et al. 2023, arXiv
 * 2303.09540: within each cluster of labels/, an id within cosine similarity 1 − ε of an id
 * already kept, operators/dedup/dedup-clusters.ts). With --against, the rows that copy a row of
 * a reference set (exact or fuzzy, operators/dedup/read-reference.ts) go first. One decision per input row to dedup/
 * (write-dedup-table.ts), statistics to the manifest. A later sample draws only kept ids. Not
 * resumable: one pass is cheaper to redo than to checkpoint (see docs/curate.md for its time).
 * As shards (--shard I/N), each computes the MinHash signatures of its rows/ parts
 * (dedup-units.ts), and the merge runs this one pass with them in place of signing: every row
 * is a candidate duplicate of every earlier one, so the buckets are joined in one process.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEDUP, DEDUP_CANDIDATES, DEDUP_PAIRS, FILES } from '../../schemas/tables.js';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import type { StageStats } from './index.js';
import { extractOptionsOf } from './embed-stream.js';
import { reportDecisions, semanticDedup, type SemanticDecision } from '../../operators/dedup/dedup-clusters.js';
import { hasSemanticPairs, labelClusters, pairsCover, readSemanticPairs, writeSemanticPairs, type ClusterPairs } from '../../operators/dedup/semantic-pairs.js';
import { selectFromPairs } from '../../core/dedup/semdedup-pairs.js';
import { lexicalDedup, withCandidates, type FuzzyOptions, type LexicalDecisions } from '../../operators/dedup/lexical-dedup.js';
import { hasFuzzyCandidates, readFuzzyCandidates, writeFuzzyCandidates } from '../../operators/dedup/fuzzy-candidates.js';
import { checkReferences, readReference, type ReferenceBatch } from '../../operators/dedup/read-reference.js';
import { semanticAgainst, type ReferenceMatch } from '../../operators/dedup/semantic-against.js';
import { openEmbedder } from '../../operators/embedders/open-embedder.js';
import { UsageError } from '../../core/util/semclust-error.js';
import { writeDedupTable } from '../../operators/dedup/write-dedup-table.js';
import type { StoredSignatures } from '../../operators/dedup/fuzzy-signatures.js';
import { dedupUnits, signUnits, storedSignatures, unsignedUnits, type DedupUnit } from './dedup-units.js';
import { dedupSweep, semanticSweepFromPairs } from '../../operators/dedup/dedup-sweep.js';
import { RunState } from '../run/manifest.js';
import type { StageRecord } from '../../schemas/manifest.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { writeKeptRecords } from '../../operators/sample/write-kept.js';
import type { Settings } from '../../schemas/config.js';
import type { Stage, StageRun, StageSplit } from '../run/stage.js';
import type { DuckDBConnection } from '@duckdb/node-api';

/** What the dedup stage records in manifest.json. */
export const dedupStats = z.object({
  /** Input rows (noise rows included; semantic dedup keeps them, having no cluster to compare within). */
  rows: z.number(),
  kept: z.number(),
  removed: z.number(),
  removed_fraction: z.number(),
  /** Rows each method removed (each only saw the rows the ones before it kept). */
  removed_by: z
    .object({ exact: z.number(), fuzzy: z.number(), semantic: z.number(), against: z.number().default(0) })
    .default({ exact: 0, fuzzy: 0, semantic: 0, against: 0 }),
  /** --against: the reference rows read, and the reference lines the text extraction rejected. */
  reference_rows: z.number().default(0),
  reference_rejects: z.number().default(0),
  methods: z.array(z.enum(['exact', 'fuzzy', 'semantic'])).default(['semantic']),
  /** The LSH banding fuzzy dedup derived from its threshold and permutations (null: fuzzy off). */
  fuzzy_bands: z.object({ bands: z.number(), rows: z.number() }).nullable().default(null),
  noise_rows: z.number(),
  clusters: z.number(),
  /** Clusters that lost at least one row. */
  clusters_with_duplicates: z.number(),
  /** Share of its rows each cluster lost: percentiles over clusters (p10 … p99). */
  removed_share_percentiles: z.record(z.string(), z.number()),
  /** The five clusters that lost the largest share: [cluster, size, removed]. */
  most_removed: z.array(z.tuple([z.number(), z.number(), z.number()])),
  epsilon: z.number(),
  keep: z.enum(['nearest', 'farthest', 'random']),
  /** --dedup-epsilon-bound: ran (the ε-free pass, pairs stored), reused (only the selection at the new ε), null without it or without semantic. */
  semantic_pass: z.enum(['ran', 'reused']).nullable().default(null),
  /** The pairs at cosine similarity ≥ 1 − bound that pass stored. */
  semantic_pairs: z.number().default(0),
  /** Set when the stage ran as N shards and was merged (mergeShards, pipeline/run/run-stages.ts). */
  shards: z.number().optional(),
});

/** Shards sign their rows/ parts; the merge runs the one dedup pass on their signatures (dedup-units.ts). */
const dedupSplit: StageSplit<typeof dedupStats, unknown, DedupUnit> = {
  noun: 'parts',
  units: dedupUnits,
  async run(ctx, _prepared, mine, key) {
    const { signed, kept, rows } = await signUnits(ctx, mine, key);
    const what = ctx.settings.dedup_methods.includes('fuzzy') ? 'signed' : 'recorded (no fuzzy method: nothing to sign)';
    return { facts: {}, note: `, ${signed} ${what}${kept > 0 ? ` (${kept} signed earlier, kept)` : ''}, ${rows.toLocaleString('en-US')} rows` };
  },
  unfinished: (ctx, shards) => unsignedUnits(ctx, shards[0].key),
  async merge(ctx, shards) {
    const stats = await dedupRun(ctx, await storedSignatures(ctx, shards[0].key));
    return { stats, summary: `${stats.removed.toLocaleString('en-US')} of ${stats.rows.toLocaleString('en-US')} rows removed` };
  },
};

export const dedupStage: Stage<'dedup', typeof dedupStats> = {
  name: 'dedup',
  command: {
    summary: 'drop exact, near-identical (MinHash) and semantic duplicates',
    usage: 'semclust dedup OUTDIR',
    runs: ['dedup'],
    help: `semclust dedup OUTDIR [FLAGS]
  Marks duplicates with the methods of --dedup-methods (default exact,fuzzy; add semantic
  for SemDeDup), in that order, each over the rows the ones before it kept:
    exact     a row whose text an earlier row has (same id): kept once, copies listed
    fuzzy     MinHash + LSH over normalised text (lower-cased, punctuation and a/an/the
              removed): a row whose exact Jaccard (of the shingle sets, checked for
              the candidates LSH finds) to an earlier row is ≥ --fuzzy-threshold
              joins that row's group (--fuzzy-shingles word|char, --fuzzy-ngram N)
    semantic  SemDeDup within each cluster: cosine similarity ≥ 1 − --dedup-epsilon to an
              already kept row, nearest the centroid first (--dedup-keep nearest|farthest|random)
  --against REF (repeat it, or REF,REF) first removes the rows that copy a row of a reference
  set — a semclust OUTDIR or JSONL/Parquet/CSV files read with this run's --text-key — exactly
  (against:exact), by MinHash at Jaccard ≥ --against-fuzzy-threshold (default 0.7, looser than
  within the input: decontamination is recall-first; against:fuzzy) or, with semantic in
  --dedup-methods, by cosine similarity ≥ 1 − ε to a reference row embedded with this run's
  model (against:semantic), e.g. to decontaminate against an evaluation set; the reference
  row's id is in duplicate_of, its file:line in reference. References are only read;
  changing the list redoes dedup.
  The kept row of an exact or fuzzy group is its earliest row. Writes OUTDIR/dedup/, one row
  per input row (id, source, line, cluster, kept, reason, group_id, duplicate_of, similarity,
  jaccard, reference, and similarity_to / jaccard_to: the ids the scores are to, kept rows
  too); a later sample draws only kept ids. --write-kept FILE also writes the kept original
  records as JSONL. In a pipeline file, list dedup in stages: [embed, fit, infer,
  dedup, sample]. --sweep also prints the rows other fuzzy thresholds and ε would remove, from
  the stored scores, without recomputing. --fuzzy-bands-threshold T fixes the LSH bands and
  keeps the candidates, so a later --fuzzy-threshold ≥ T reruns only the selection;
  --dedup-epsilon-bound E keeps SemDeDup's pairs within 1 − E, so a later --dedup-epsilon ≤ E
  reruns only the selection ("reselected at ε=…, semantic pass reused"). report.html shows
  the pairs nearest each threshold.
  The reference tool's dedup_minhash.py: the default fuzzy settings (word 1-grams, Jaccard
  0.8, 128 permutations).
  As shards: semclust dedup OUTDIR --shard I/N [FLAGS] signs the texts of the rows/ parts of
  shard I (MinHash; a rerun keeps the parts signed), then semclust merge OUTDIR joins the LSH
  buckets and writes the dedup/ table one process would (docs/curate.md).

  semclust dedup out/b77 --write-kept out/b77-dedup.jsonl
  semclust dedup out/b77 --dedup-methods exact,fuzzy,semantic --dedup-epsilon 0.001
  semclust dedup out/b77 --dedup-epsilon-bound 0.05 --dedup-epsilon 0.02
  semclust dedup out/train --against eval/test.jsonl --against out/other-eval
  semclust dedup out/big --shard 0/4   (… 1/4, 2/4, 3/4; then semclust merge out/big)
  semclust query out/b77 "SELECT reason, count(*) FROM dedup GROUP BY 1"`,
  },
  hint: 'SELECT cluster, count(*) FILTER (WHERE NOT kept) AS removed, count(*) AS size FROM dedup GROUP BY 1 ORDER BY 2 DESC LIMIT 10',
  outputs: [DEDUP.path, FILES.spill, `${PROGRESS_DIR}/dedup`],
  stats: dedupStats,
  needs: ['infer'],
  // write_kept and sweep read the outputs, they are not outputs: they do not key the stage (see writeKeptIfAsked).
  settings: ['dedup_methods', 'dedup_epsilon', 'dedup_epsilon_bound', 'dedup_keep', 'fuzzy_shingles', 'fuzzy_ngram', 'fuzzy_threshold', 'fuzzy_bands_threshold', 'fuzzy_permutations', 'seed', 'against', 'against_fuzzy_threshold', 'write_kept', 'sweep'],
  keyed: (s) => {
    const semantic = s.dedup_methods.includes('semantic');
    const fuzzy = s.dedup_methods.includes('fuzzy');
    return [
      'dedup_methods',
      ...(semantic ? (['dedup_epsilon', 'dedup_epsilon_bound', 'dedup_keep'] as const) : []),
      ...(fuzzy ? (['fuzzy_shingles', 'fuzzy_ngram', 'fuzzy_threshold', 'fuzzy_bands_threshold', 'fuzzy_permutations'] as const) : []),
      // The MinHash functions and SemDeDup's random order are drawn from the seed.
      ...(fuzzy || (semantic && s.dedup_keep === 'random') ? (['seed'] as const) : []),
      ...(s.against?.length ? (['against'] as const) : []),
      ...(s.against?.length && fuzzy ? (['against_fuzzy_threshold'] as const) : []),
    ];
  },
  resumable: false,

  // Settings that cannot work and missing references stop the command before the old dedup/ goes.
  async prepare(ctx) {
    const s = ctx.settings;
    if (s.dedup_methods.includes('fuzzy') && s.fuzzy_bands_threshold !== undefined && s.fuzzy_threshold < s.fuzzy_bands_threshold) {
      throw new UsageError(
        `--fuzzy-threshold ${s.fuzzy_threshold} is below --fuzzy-bands-threshold ${s.fuzzy_bands_threshold}: LSH bands for Jaccard ≥ ${s.fuzzy_bands_threshold} miss pairs below it; lower --fuzzy-bands-threshold to ${s.fuzzy_threshold} or raise the threshold`,
      );
    }
    if (s.dedup_methods.includes('semantic') && s.dedup_epsilon_bound !== undefined && s.dedup_epsilon > s.dedup_epsilon_bound) {
      throw new UsageError(
        `--dedup-epsilon ${s.dedup_epsilon} is above --dedup-epsilon-bound ${s.dedup_epsilon_bound}: the stored pairs reach cosine similarity ${+(1 - s.dedup_epsilon_bound).toFixed(6)} and ε needs ${+(1 - s.dedup_epsilon).toFixed(6)}; raise --dedup-epsilon-bound to ${s.dedup_epsilon} or lower ε`,
      );
    }
    if (s.against?.length && s.dedup_methods.includes('semantic') && s.embedding_column) {
      throw new UsageError(`--against with the semantic method embeds the reference with the run's model, and this run's vectors came from --embedding-column ${s.embedding_column}: leave semantic out of --dedup-methods (e.g. --dedup-methods exact,fuzzy)`);
    }
    if (s.against?.length) checkReferences(s.against);
  },

  run: (ctx) => dedupRun(ctx, null),

  split: dedupSplit,
};

/** The dedup pass over the whole run; `stored`: the input's MinHash signatures as dedup shards computed them (the merge). */
async function dedupRun(ctx: StageRun, stored: StoredSignatures | null): Promise<StageStats<'dedup'>> {
  const s = ctx.settings;
  const dims = ctx.state.stats('embed').dims;
  const clusters = ctx.state.stats('infer').clusters;
  const methods = new Set(s.dedup_methods);
  const fuzzy = methods.has('fuzzy')
    ? { unit: s.fuzzy_shingles, ngram: s.fuzzy_ngram, threshold: s.fuzzy_threshold, bandsThreshold: s.fuzzy_bands_threshold, againstThreshold: s.against_fuzzy_threshold, permutations: s.fuzzy_permutations, seed: s.seed }
    : null;
  // With fixed bands (and no reference, whose matches are not stored), the candidates are kept and a new threshold reuses them.
  const candidatesKey = fuzzy && fuzzy.bandsThreshold !== undefined && !s.against?.length ? { ...fuzzy, threshold: undefined, againstThreshold: undefined, jaccard: 'exact' } : null;
  const against = s.against?.length ? s.against : null;
  let referenceRejects = 0;
  // The text embed extracts (key path, chat turns, template: pipeline/stages/embed-stream.ts), so a reference
  // row's id is its text's id here; a reference need not carry the user ids of --id-key.
  const readOptions = { extract: { ...extractOptionsOf(s), idKeyPath: undefined, idRequired: false }, maxLineBytes: s.max_line_bytes, csvDelimiter: s.csv_delimiter };
  // Read once for ids and signatures, again to confirm fuzzy candidates: rejects are counted on the first read.
  let referenceReads = 0;
  const reference = against && (methods.has('exact') || methods.has('fuzzy')) && {
    exact: methods.has('exact'),
    batches: () => readReference(against, { ...readOptions, onReject: referenceReads++ === 0 ? () => void referenceRejects++ : undefined }),
  };
  const stats = await withRunDatabase(ctx.outDir, async (conn) => {
    const rowsProgress = ctx.progress('dedup', 'rows');
    const lexical = await lexicalStep(ctx, conn, fuzzy, candidatesKey, reference || undefined, (n) => rowsProgress.update(n, null), stored);
    rowsProgress.done(lexical.ids.length);
    // The ids fuzzy or a reference removed (an exact copy shares its first row's id, so it is never compared apart).
    const removed = new Set<string>();
    const f = lexical.fuzzy;
    const a = lexical.against;
    const againstLexical = new Set<string>();
    if (a) lexical.distinctRows.forEach((row, d) => void (a.how[d] && againstLexical.add(lexical.ids[row])));
    lexical.distinctRows.forEach((row, d) => void (f && f.kept[d] === 0 && removed.add(lexical.ids[row])));
    // Semantic against the reference: every id the lexical matches against it left, whatever the input's own methods did with it.
    const { matches: againstSemantic, rows: semanticReferenceRows } =
      against && methods.has('semantic')
        ? await againstStep(ctx, readReference(against, { ...readOptions, onReject: reference ? undefined : () => void referenceRejects++ }), (id) => againstLexical.has(id))
        : { matches: new Map<string, ReferenceMatch>(), rows: 0 };
    for (const id of againstLexical) removed.add(id);
    for (const id of againstSemantic.keys()) removed.add(id);
    const { clusterOf, semantic, pass, pairs } = await semanticStep(ctx, conn, dims, clusters, methods.has('semantic'), (id) => removed.has(id));
    return {
      ...writeDedupTable(ctx.outDir, s.part_rows, lexical, clusterOf, semantic, methods.has('exact'), againstSemantic),
      fuzzy_bands: lexical.fuzzy?.banding ?? null,
      reference_rows: lexical.against?.ids.length ?? semanticReferenceRows,
      semantic_pass: pass,
      semantic_pairs: pairs,
    };
  });
  const share = (x: number) => `${(x * 100).toFixed(1)}%`;
  const n = (x: number) => x.toLocaleString('en-US');
  ctx.log(
    `dedup: ${n(stats.removed)} of ${n(stats.rows)} rows removed (${share(stats.removed_fraction)}): ` +
      (against ? `against ${n(stats.removed_by.against)} (of ${n(stats.reference_rows)} reference rows${referenceRejects ? `, ${n(referenceRejects)} reference lines rejected` : ''}), ` : '') +
      s.dedup_methods.map((m) => `${m} ${n(stats.removed_by[m])}`).join(', ') +
      (methods.has('semantic') ? ` (ε = ${s.dedup_epsilon})` : '') +
      (fuzzy ? `; fuzzy at Jaccard ≥ ${fuzzy.threshold}` : '') +
      `; ${stats.clusters_with_duplicates} of ${stats.clusters} clusters had duplicates; removed share per cluster: ` +
      Object.entries(stats.removed_share_percentiles)
        .map(([k, v]) => `${k}=${share(v)}`)
        .join(' '),
  );
  return {
    ...stats,
    reference_rejects: referenceRejects,
    methods: s.dedup_methods,
    epsilon: s.dedup_epsilon,
    keep: s.dedup_keep,
  };
}

/**
 * Exact and fuzzy (and against the reference's rows): from the stored candidates when the
 * fuzzy settings but the threshold are those they were computed with (fuzzy-candidates.ts),
 * else from the texts, storing the candidates when the bands are fixed.
 */
async function lexicalStep(
  ctx: StageRun,
  conn: DuckDBConnection,
  fuzzy: FuzzyOptions | null,
  candidatesKey: object | null,
  reference: Parameters<typeof lexicalDedup>[3],
  onRows: (n: number) => void,
  stored: StoredSignatures | null,
): Promise<LexicalDecisions> {
  if (fuzzy && candidatesKey && hasFuzzyCandidates(ctx.outDir, candidatesKey)) {
    const exactOnly = await lexicalDedup(conn, null, onRows);
    const stored = readFuzzyCandidates(ctx.outDir, candidatesKey, Array.from(exactOnly.distinctRows, (row) => exactOnly.ids[row]));
    if (stored) {
      ctx.log(`dedup: only the thresholds changed; reusing the candidate pairs in ${DEDUP_CANDIDATES.path}, rerunning the selection`);
      return withCandidates(exactOnly, fuzzy, stored);
    }
  }
  const lexical = await lexicalDedup(conn, fuzzy, onRows, reference, stored ?? undefined);
  if (candidatesKey && lexical.fuzzy) writeFuzzyCandidates(ctx.outDir, candidatesKey, Array.from(lexical.distinctRows, (row) => lexical.ids[row]), lexical.fuzzy);
  return lexical;
}

/**
 * Semantic dedup, and every id's cluster. With --dedup-epsilon-bound: a selection over the
 * stored pairs when they were computed under the same settings and infer for exactly the ids
 * this run compares (semantic-pairs.ts), without reading an embedding; else the ε-free pass,
 * storing its pairs. A changed fuzzy threshold or reference changes which ids are compared, and
 * with them each cluster's visiting order (by distance to the mean of its compared rows), so
 * the pass reruns.
 */
async function semanticStep(ctx: StageRun, conn: DuckDBConnection, dims: number, clusters: number, enabled: boolean, skip: (id: string) => boolean) {
  const s = ctx.settings;
  const clusterOf = new Map<string, number>();
  const semantic = new Map<string, SemanticDecision>();
  const onId = (id: string, cluster: number, decision: SemanticDecision | null) => {
    clusterOf.set(id, cluster);
    if (decision) semantic.set(id, decision);
  };
  const bound = enabled ? s.dedup_epsilon_bound : undefined;
  const floor = bound === undefined ? undefined : 1 - bound;
  const pairsKey = semanticPairsKey(s, ctx.state.record('infer'));
  if (floor !== undefined && hasSemanticPairs(ctx.outDir, pairsKey)) {
    const labels = await labelClusters(conn);
    const compared = new Map([...labels].filter(([id, c]) => c >= 0 && !skip(id)));
    const stored = readSemanticPairs(ctx.outDir, pairsKey);
    if (stored && pairsCover(stored, compared)) {
      for (const [id, c] of labels) clusterOf.set(id, c);
      for (const c of stored) reportDecisions(selectFromPairs(c.pairs, s.dedup_epsilon, floor), c.ids, c.cluster, onId);
      const pairs = stored.reduce((t, c) => t + c.pairs.earlier.length, 0);
      ctx.log(`dedup: reselected at ε=${s.dedup_epsilon} from the ${pairs.toLocaleString('en-US')} pairs in ${DEDUP_PAIRS.path}, semantic pass reused`);
      return { clusterOf, semantic, pass: 'reused' as const, pairs };
    }
    ctx.log(`dedup: the rows exact, fuzzy or --against left for semantic dedup changed since ${DEDUP_PAIRS.path} was stored; rerunning the semantic pass`);
  }
  const stored: ClusterPairs[] = [];
  const progress = ctx.progress('dedup', 'clusters');
  const done = await semanticDedup(
    conn,
    dims,
    {
      epsilon: s.dedup_epsilon,
      keep: s.dedup_keep,
      seed: s.seed,
      spillDir: path.join(ctx.outDir, FILES.spill),
      threads: s.threads,
      enabled,
      skip,
      onCluster: (n) => progress.update(n, clusters ? n / clusters : null),
      pairsFloor: floor,
      onPairs: (c) => stored.push(c),
    },
    onId,
  );
  progress.done(done);
  if (floor === undefined) return { clusterOf, semantic, pass: null, pairs: 0 };
  writeSemanticPairs(ctx.outDir, pairsKey, stored);
  return { clusterOf, semantic, pass: 'ran' as const, pairs: stored.reduce((t, c) => t + c.pairs.earlier.length, 0) };
}

/** What stored pairs were computed under: the visiting order's settings, the bound, and the vectors and labels (a redone embed or infer finishes infer anew). */
function semanticPairsKey(s: Pick<Settings, 'dedup_keep' | 'seed' | 'dedup_epsilon_bound'>, infer: StageRecord | undefined) {
  return { keep: s.dedup_keep, seed: s.dedup_keep === 'random' ? s.seed : null, bound: s.dedup_epsilon_bound, infer: [infer?.key, infer?.finished_at] };
}

/** Semantic against the reference, embedded with the run's own model (opened here, closed after). */
async function againstStep(ctx: StageRun, batches: AsyncIterable<ReferenceBatch>, skip: (id: string) => boolean) {
  const s = ctx.settings;
  const embedder = await openEmbedder(s);
  try {
    return await semanticAgainst(ctx.outDir, batches, embedder, { epsilon: s.dedup_epsilon, batchSize: s.batch_size, threads: s.threads, skip });
  } finally {
    await embedder.close();
  }
}

/**
 * `write_kept`: the kept records as JSONL, written after the stages whenever asked for —
 * also when dedup was complete and skipped, since the file is an export, not a stage output.
 */
export async function writeKeptIfAsked(outDir: string, s: Settings, log: (m: string) => void): Promise<void> {
  if (!s.write_kept) return;
  const n = await writeKeptRecords(outDir, s.write_kept);
  log(`dedup: ${n.toLocaleString('en-US')} kept records → ${s.write_kept}`);
}

/**
 * `sweep`: the rows each method would remove at other fuzzy thresholds and ε, from the Jaccard
 * and similarity columns of dedup/ (operators/dedup/dedup-sweep.ts), after the stages.
 */
export async function sweepIfAsked(outDir: string, s: Settings, print: (m: string) => void): Promise<void> {
  if (!s.sweep) return;
  const sweep = await withRunDatabase(outDir, (conn) => dedupSweep(conn));
  const n = (x: number) => x.toLocaleString('en-US');
  if (sweep.fuzzy.length) {
    print('fuzzy threshold  rows removed (the candidates LSH found at this run\'s threshold)');
    for (const [t, c] of sweep.fuzzy) print(`${String(t).padStart(15)}  ${n(c).padStart(12)}`);
  }
  // A complete dedup that ran or reused the pass stored the pairs of exactly the rows it compared,
  // under the settings it recorded (the command line's settings hold only what it was given).
  const state = RunState.open(outDir);
  const dedup = state.record('dedup');
  const ran = dedup?.status === 'complete' && dedup.stats?.semantic_pass ? (dedup.settings as Pick<Settings, 'dedup_keep' | 'seed' | 'dedup_epsilon_bound'>) : undefined;
  const bound = ran?.dedup_epsilon_bound;
  const stored = ran && bound !== undefined ? readSemanticPairs(outDir, semanticPairsKey(ran, state.record('infer'))) : null;
  const exact = stored ? semanticSweepFromPairs(stored, 1 - bound!) : [];
  if (exact.length) {
    print(`semantic ε       rows removed (exact: the selection over the pairs stored with --dedup-epsilon-bound ${bound})`);
    for (const [e, c] of exact) print(`${String(e).padStart(15)}  ${n(c).padStart(12)}`);
  }
  const estimated = sweep.semantic.filter(([e]) => !exact.some(([x]) => x === e));
  if (estimated.length) {
    print('semantic ε       rows removed (estimated: similarity to the rows this run\'s ε kept)');
    for (const [e, c] of estimated) print(`${String(e).padStart(15)}  ${n(c).padStart(12)}`);
  }
  if (!sweep.fuzzy.length && !sweep.semantic.length) print('dedup --sweep: no fuzzy or semantic scores in dedup/ (methods: exact only); rerun with --dedup-methods exact,fuzzy');
}
