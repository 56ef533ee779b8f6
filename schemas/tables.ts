/**
 * Every Parquet layout the pipeline writes. Code reads column names from here
 * (`ROWS.columns.id`) so a rename happens in one place, and `semclust query` names its
 * DuckDB views after these tables.
 */

/**
 * `vector` is FLOAT[dims] (a fixed-size list of float32); dims are known at write time.
 * `utf8_list` and `float32_list` are variable-length lists (VARCHAR[] and FLOAT[] in DuckDB).
 * `utf8?` and `float32?` may hold nulls (null, and NaN in the values); `bool` is BOOLEAN.
 */
export type ColumnType = 'utf8' | 'utf8?' | 'bool' | 'int32' | 'int64' | 'float32' | 'float32?' | 'vector' | 'utf8_list' | 'float32_list';

export interface TableLayout<C extends string = string> {
  /** View name in `semclust query`. */
  readonly name: string;
  /** Path under OUTDIR: a folder of part-*.parquet files, or a single file. */
  readonly path: string;
  readonly parts: boolean;
  readonly columns: { readonly [K in C]: ColumnType };
  /** Columns with few distinct values, worth dictionary encoding. */
  readonly dictionary?: readonly NoInfer<C>[];
  readonly doc: string;
}

/** Keeps each column's literal type, so writers know which columns are nullable (operators/parquet/parquet.ts TableData). */
export function layout<const Cols extends Record<string, ColumnType>>(
  l: TableLayout<keyof Cols & string> & { readonly columns: Cols },
): TableLayout<keyof Cols & string> & { readonly columns: Cols; col: { readonly [K in keyof Cols & string]: K } } {
  const col = Object.fromEntries(Object.keys(l.columns).map((k) => [k, k])) as { [K in keyof Cols & string]: K };
  return { ...l, col };
}

export const ROWS = layout({
  name: 'rows',
  path: 'rows',
  parts: true,
  columns: { id: 'utf8', text: 'utf8', record: 'utf8', source: 'utf8', line: 'int64', user_id: 'utf8?' },
  dictionary: ['source'],
  doc: "every accepted input line: xxh3-128 id of the text, the text, the original JSON record, file and 1-based line, and the record's own id at id_key (null without it)",
});

export const EMBEDDINGS = layout({
  name: 'embeddings',
  path: 'embeddings',
  parts: true,
  columns: { id: 'utf8', embedding: 'vector' },
  doc: 'one L2-normalised vector per distinct id',
});

export const PROJECTION = layout({
  name: 'projection',
  path: 'projection',
  parts: true,
  columns: { id: 'utf8', x: 'float32', y: 'float32' },
  doc: '2-D map coordinates (UMAP or PCA) of the ids the map can draw: about report_max_points of them, a seeded sample by id (every id with map_all_rows)',
});

export const LABELS = layout({
  name: 'labels',
  path: 'labels',
  parts: true,
  columns: { id: 'utf8', cluster: 'int32', probability: 'float32', reassigned: 'bool' },
  doc: 'cluster of every id (-1 = noise), the membership probability (1 for k-means), and whether HDBSCAN called the id noise and hdbscan_assign_noise gave it its most likely cluster (probability 0)',
});

export const CLUSTERS = layout({
  name: 'clusters',
  path: 'clusters.parquet',
  parts: false,
  columns: {
    cluster: 'int32',
    size: 'int64',
    centroid: 'vector',
    keywords: 'utf8_list',
    keyword_scores: 'float32_list',
    representative_ids: 'utf8_list',
    representatives: 'utf8_list',
    label: 'utf8',
  },
  doc: 'cluster sizes, centroids in the clustering space, c-TF-IDF keywords (best first) with their scores, the ids and texts of the rows nearest the centroid in embedding space (nearest first), and the LLM label ("" when none)',
});

export const SAMPLE = layout({
  name: 'sample',
  path: 'sample.parquet',
  parts: false,
  columns: { id: 'utf8', cluster: 'int32', pick: 'int32', user_id: 'utf8?' },
  doc: "the chosen ids, their cluster and pick order within the cluster, and the user_id of the record sample.jsonl holds for the id (null without id_key)",
});

export const DEDUP = layout({
  name: 'dedup',
  path: 'dedup',
  parts: true,
  columns: {
    id: 'utf8',
    user_id: 'utf8?',
    source: 'utf8',
    line: 'int64',
    cluster: 'int32',
    kept: 'bool',
    reason: 'utf8?',
    group_id: 'utf8',
    duplicate_of: 'utf8?',
    similarity: 'float32?',
    jaccard: 'float32?',
    reference: 'utf8?',
    similarity_to: 'utf8?',
    jaccard_to: 'utf8?',
  },
  dictionary: ['source', 'reason'],
  doc: 'the dedup decision for every input row, in row order: its id, the record\'s own id (user_id, null without id_key), file and line, cluster, kept or not, the method that removed it (exact | fuzzy | semantic, or against:exact | against:fuzzy | against:semantic for a copy of a --against reference row; null when kept), the kept id of its duplicate group (its own when kept and alone; the reference row id for against:*), the id it duplicates (null when kept; its own id for an exact copy; the reference row id for against:*), the highest cosine similarity to a kept id visited before it in its cluster (semantic; to the reference row for against:semantic; null where not compared), the best exact Jaccard (of the normalised n-gram sets) to an earlier LSH candidate (fuzzy; to the reference row for against:fuzzy; null without an LSH candidate) and, for against:*, where the reference row is (file:line, or OUTDIR: file:line for a reference run folder), and the ids similarity and jaccard were measured against (kept rows too, so the pairs just below a threshold can be read)',
});

export const DEDUP_CANDIDATES = layout({
  name: 'dedup_candidates',
  path: 'dedup-candidates.parquet',
  parts: false,
  columns: { id: 'utf8', match: 'int32', jaccard: 'float32' },
  doc: 'with --fuzzy-bands-threshold: each distinct id in row order, its best earlier LSH candidate (an index into these rows, -1 none) and their exact Jaccard (NaN none), so a new --fuzzy-threshold reruns only the selection; beside it dedup-candidates.json, the settings they were computed with',
});

export const DEDUP_PAIRS = layout({
  name: 'dedup_pairs',
  path: 'dedup-pairs.parquet',
  parts: false,
  columns: { id: 'utf8?', cluster: 'int32', earlier: 'int32', similarity: 'float32' },
  doc: 'with --dedup-epsilon-bound E: the rows SemDeDup compared, cluster by cluster in its visiting order, each as a row (id, cluster, earlier -1, similarity NaN) followed by its pairs with an earlier row of the cluster at cosine similarity ≥ 1 − E (id null, cluster, that row\'s rank in the visiting order, similarity), so a new --dedup-epsilon ≤ E reruns only the selection; beside it dedup-pairs.json, the settings they were computed with',
});

export const TABLES = [ROWS, EMBEDDINGS, PROJECTION, LABELS, CLUSTERS, SAMPLE, DEDUP, DEDUP_CANDIDATES, DEDUP_PAIRS] as const;

/** Non-Parquet outputs under OUTDIR. */
export const FILES = {
  manifest: 'manifest.json',
  rejects: 'rejects.jsonl',
  sampleJsonl: 'sample.jsonl',
  model: 'model',
  plot: 'plot.svg',
  /** Scratch space of a running stage (per-cluster rows for diverse picks); removed after it. */
  spill: 'spill',
  /** The settings OUTDIR/dedup-candidates.parquet was computed with (see DEDUP_CANDIDATES). */
  dedupCandidatesKey: 'dedup-candidates.json',
  /** The settings and upstream OUTDIR/dedup-pairs.parquet was computed with (see DEDUP_PAIRS). */
  dedupPairsKey: 'dedup-pairs.json',
  report: 'report.html',
  labelCache: 'cluster-labels.json',
  /** Job files `semclust launch` renders (OUTDIR/launch/<scheduler>/); written before the first stage runs. */
  launch: 'launch',
} as const;
