/**
 * The one schema for every setting: it validates pipeline YAML, drives the CLI's flags
 * (each key is a flag: `text_key` ↔ `--text-key` / `--text_key`), types the code, and is
 * published as JSON Schema (schemas/pipeline.schema.json) for editors.
 */
import { z } from 'zod';

export const STAGES = ['embed', 'fit', 'infer', 'dedup', 'sample'] as const;
/** What `run` does when `stages` is not given: dedup only when listed. */
const DEFAULT_STAGES = ['embed', 'fit', 'infer', 'sample'] as const;

/**
 * Most requests in flight to one server. Each holds a batch of rows read ahead; beyond a few
 * hundred a server only queues them, and 100,000 was once accepted and doubled the RSS.
 */
export const MAX_CONCURRENCY = 256;
/** Languages with a stop-word list for keywords: stopwords-iso 1.1.0's 58 codes (operators/describe/stop-words.ts loads them). */
const KEYWORD_LANGUAGES = ['af', 'ar', 'bg', 'bn', 'br', 'ca', 'cs', 'da', 'de', 'el', 'en', 'eo', 'es', 'et', 'eu', 'fa', 'fi', 'fr', 'ga', 'gl', 'gu', 'ha', 'he', 'hi', 'hr', 'hu', 'hy', 'id', 'it', 'ja', 'ko', 'ku', 'la', 'lt', 'lv', 'mr', 'ms', 'nl', 'no', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'so', 'st', 'sv', 'sw', 'th', 'tl', 'tr', 'uk', 'ur', 'vi', 'yo', 'zh', 'zu'] as const;
export type StageName = (typeof STAGES)[number];

/** A fraction of the rows (0 < x ≤ 1) or a row count (an integer > 1). */
const fractionOrCount = z
  .number()
  .positive()
  .refine((v) => v <= 1 || Number.isInteger(v), 'a fraction in (0, 1] or a whole row count');

export const settingsShape = {
  input: z
    .union([z.string(), z.array(z.string()).min(1)])
    .optional()
    .describe('JSONL, Parquet, CSV or TSV files (by extension: .parquet, .csv, .tsv, .csv.gz, .tsv.gz; anything else is JSONL), globs, folders (their data files, e.g. a Hugging Face dataset with data/train-00000-of-00002.parquet), a Hugging Face dataset split by name (hf://datasets/OWNER/NAME[@REVISION]/[CONFIG/]SPLIT: its Parquet conversion, through the hub cache), or "-" for stdin; .gz JSONL is read transparently'),
  output_dir: z.string().optional().describe('folder that receives every stage output'),
  stages: z.array(z.enum(STAGES)).min(1).default([...DEFAULT_STAGES]).describe('stages to run, in order (dedup runs only when listed)'),

  text_key: z.string().min(1).default('text').describe('key path of the text in each record'),
  message_key: z
    .string()
    .min(1)
    .optional()
    .describe('key path of a chat message, e.g. request.messages[0].content; Llama-3 prompts are reduced to the user turn; overrides text_key'),
  format: z
    .enum(['text', 'messages', 'sharegpt'])
    .default('text')
    .describe('what text_key leads to: a string (text), an OpenAI messages list of {role, content} (messages; default key messages), or a ShareGPT conversations list of {from, value} with from human/gpt/system (sharegpt; default key conversations); turns are chosen by roles and turns and joined with a blank line'),
  roles: z
    .array(z.string().min(1))
    .min(1)
    .default(['user'])
    .describe('format messages|sharegpt: roles whose turns make the text, e.g. user,system (human/gpt mean user/assistant); a record without a turn of the first role is rejected as no_turn'),
  turns: z
    .enum(['first', 'last', 'all'])
    .default('first')
    .describe('format messages|sharegpt: the first, last or every non-empty turn of each role in roles, joined in conversation order with a blank line'),
  text_template: z
    .string()
    .min(1)
    .optional()
    .describe('several fields as one text, e.g. "{title}\\n\\n{body}": key paths in braces, \\n a newline, {{ a brace; a record whose field is missing or empty is rejected as empty_field; overrides text_key'),
  id_key: z
    .string()
    .min(1)
    .optional()
    .describe("key path of each record's own id (a string or an integer), kept as user_id in rows, the row_labels query view, sample.parquet and the report beside the text id; records with the same text stay separate rows, embedded once; missing and duplicated ids are counted in the embed summary"),
  id_unique: z.boolean().default(false).describe('with id_key: stop embed at a record without an id, and refuse the run when two records share one (naming both lines)'),
  csv_delimiter: z
    .string()
    .refine((v) => (v.length === 1 || v === '\\t') && !'"\r\n'.includes(v), 'one character, or \\t for a tab (not a quote or a line break)')
    .optional()
    .describe('field delimiter of .csv and .tsv inputs, one character or \\t for a tab (default: "," for .csv, tab for .tsv); changing it redoes embed'),
  max_line_bytes: z.number().int().positive().default(1 << 20).describe('longer lines are rejected'),
  max_reject_rate: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('stop the run when more than this fraction of lines is rejected'),

  embedding_column: z
    .string()
    .min(1)
    .optional()
    .describe('key path of precomputed vectors in each record (a Parquet list/array column, or a JSON array in JSONL): used instead of a model, checked to one dimension (the first row\'s), L2-normalised; NaN, infinite, non-numeric or wrongly sized vectors are rejected'),
  embedding_model: z
    .string()
    .min(1)
    .default('static')
    .describe('"static" (built-in, offline), a Hugging Face ONNX folder path or hub id, or a model name served at embedding_endpoint'),
  embedding_endpoint: z
    .union([z.string().url(), z.array(z.string().url()).min(1)])
    .optional()
    .describe('base URL of an OpenAI-compatible server (…/v1), or several (comma-separated, or a YAML list) serving one model: each request goes to the least busy; selects the HTTP backend'),
  embedding_api_key_env: z
    .string()
    .default('OPENAI_API_KEY')
    .describe('environment variable that holds the API key for embedding_endpoint'),
  request_batch_size: z
    .number()
    .int()
    .positive()
    .default(32)
    .describe("texts per request to embedding_endpoint (TEI's default --max-client-batch-size is 32); a server that takes fewer halves it for the rest of the run and says so"),
  truncate: z
    .enum(['server', 'client', 'reject'])
    .default('server')
    .describe("a text over the server's token limit: the server truncates it (TEI, vLLM; counted as truncated), semclust cuts it to max_length tokens of tokenizer before sending (client; counted as truncated), or the row goes to rejects.jsonl as too_long; servers that cannot be asked reject it"),
  tokenizer: z
    .string()
    .min(1)
    .optional()
    .describe('truncate client: the served model\'s tokenizer, a hub id (its tokenizer.json, fetched into the hub cache as models are) or a folder holding tokenizer.json'),
  server_kind: z
    .enum(['auto', 'tei', 'vllm', 'infinity', 'ollama', 'openai'])
    .default('auto')
    .describe('which server embedding_endpoint is (its truncation fields, TEI prompt names); auto learns it from the first answer or error and records it'),
  embedding_prefix: z.string().optional().describe('text put before every input, e.g. "clustering: " or E5\'s "query: " (servers and local models); changing it redoes embed'),
  prompt_name: z.string().min(1).optional().describe('a prompt the served model defines (TEI prompt_name; needs server_kind tei); changing it redoes embed'),
  dimensions: z.number().int().positive().optional().describe('Matryoshka / OpenAI dimensions sent to embedding_endpoint; every vector is checked to have this length'),
  cost_per_million_tokens: z.number().nonnegative().optional().describe('price of a million tokens at embedding_endpoint: the summary estimates what the run cost from the tokens the server reported'),
  pooling: z.enum(['mean', 'cls']).optional().describe('override the model folder pooling (SimCSE uses cls)'),
  max_length: z.number().int().positive().optional().describe('truncate to this many tokens (default: the model maximum)'),
  batch_size: z.number().int().positive().default(512).describe('texts per embedding batch'),
  max_concurrency: z
    .number()
    .int()
    .positive()
    .max(MAX_CONCURRENCY, `at most ${MAX_CONCURRENCY}: more requests only queue on the server while their rows wait in memory`)
    .default(4)
    .describe('parallel requests to an embedding or label server'),
  request_timeout_s: z
    .number()
    .positive()
    .max(3600)
    .default(60)
    .describe('seconds one request to an embedding or label server may take, response included, before it is retried'),
  request_retries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(6)
    .describe('retries of a failed request (timeout, connection error, 408/429/5xx, unusable vectors) before the run stops'),
  threads: z.number().int().positive().optional().describe('onnxruntime intra-op threads per session, at most cores / threads sessions at once; for infer --shard, the shard’s cores in all (default: 1 for static models, all cores for ONNX models; clustering kernels choose between 1 and all cores as they run)'),
  revision: z
    .string()
    .min(1)
    .optional()
    .describe('hub branch, tag or commit of a hub model (default main); the commit it resolves to is recorded in the manifest'),
  dtype: z
    .enum(['fp32', 'fp16', 'q8'])
    .default('fp32')
    .describe('weights file of an ONNX model: onnx/model.onnx, onnx/model_fp16.onnx or onnx/model_quantized.onnx (Transformers.js layout)'),
  device: z
    .enum(['cpu', 'cuda'])
    .default('cpu')
    .describe("where local ONNX transformer models run; cuda needs onnxruntime-node's CUDA 12 provider files (see docs/models.md)"),

  part_rows: z.number().int().positive().default(16384).describe('rows per Parquet part file (memory holds one part)'),
  shard_unit_bytes: z
    .number()
    .int()
    .min(4096)
    .default(64 << 20)
    .describe('embed --shard: each plain JSONL file is split into units of this many bytes (cut at line starts; a .gz file is one unit); unit u belongs to shard u mod N'),

  seed: z.number().int().default(42).describe('seed for every random choice'),
  fit_sample: fractionOrCount.default(1).describe('rows the cluster model is fitted on: a fraction or a count'),
  model_from: z
    .string()
    .min(1)
    .optional()
    .describe("an earlier run folder whose fitted model labels this run instead of a new fit (infer NEW... OUT2 --model-from OUT): the input is embedded with that run's embedding model (a different one is refused), its projection and cluster model are copied into model/; that folder is only read"),
  cluster_alg: z.enum(['kmeans', 'hdbscan']).default('kmeans').describe('k-means (every row in a cluster) or HDBSCAN (density clusters plus noise)'),
  kmeans_num_clusters: z.number().int().min(1).default(1000).describe('k, the number of k-means clusters'),
  kmeans_max_iter: z.number().int().positive().default(300).describe('Lloyd iterations at most'),
  kmeans_tol: z.number().nonnegative().default(1e-4).describe('relative tolerance on centre shift (scikit-learn meaning)'),
  kmeans_init: z
    .enum(['auto', 'k-means++', 'k-means||', 'random'])
    .default('auto')
    .describe('seeding: greedy k-means++, k-means|| (Bahmani et al., scales to large k), random rows; auto = k-means++ below k = 500, k-means|| from it'),
  k_sweep: z
    .array(z.coerce.number().int().min(2))
    .min(2)
    .optional()
    .describe('k-means only: before fitting, fit each of these k (e.g. 50,100,200,500,1000) on the fit sample and print inertia, mean silhouette (3,000 seeded rows), stability (mean ARI of the labels over 3 seeds) and the Gini of cluster sizes, to help choose kmeans_num_clusters; the fit still uses kmeans_num_clusters unless k_sweep_pick says otherwise'),
  k_sweep_pick: z
    .enum(['elbow', 'silhouette'])
    .optional()
    .describe('with k_sweep: fit the k the sweep points to instead of kmeans_num_clusters: elbow = where the inertia curve bends most (Kneedle over log k), silhouette = the largest mean silhouette'),
  hdbscan_min_cluster_size: z.number().int().min(2).default(100).describe('smallest group HDBSCAN calls a cluster'),
  hdbscan_min_samples: z.number().int().min(1).default(10).describe('neighbours that define a core point; higher = more noise'),
  hdbscan_cluster_selection_method: z.enum(['eom', 'leaf']).default('eom').describe('excess of mass (fewer, larger clusters) or leaf (many small ones)'),
  hdbscan_cluster_selection_epsilon: z.number().nonnegative().default(0).describe('merge clusters closer than this distance'),
  hdbscan_allow_single_cluster: z
    .boolean()
    .default(false)
    .describe("let HDBSCAN return one cluster when the data has no split (the hdbscan package's allow_single_cluster); otherwise such data is all noise"),
  hdbscan_assign_noise: z
    .boolean()
    .default(false)
    .describe('give every HDBSCAN noise row its most likely cluster (nearest clustered neighbour in mutual reachability, else nearest cluster mean); labels/ marks them reassigned'),

  enable_umap: z.boolean().default(false).describe('project with UMAP before clustering'),
  umap_dim: z.number().int().min(2).default(30).describe('dimensions clustering runs in (a 2-D projection is always made for plots)'),
  umap_n_neighbors: z.number().int().min(2).default(15).describe('neighbours in the UMAP graph: larger keeps more global structure'),
  umap_min_dist: z.number().nonnegative().default(0.1).describe('how tightly UMAP packs points'),
  umap_metric: z.enum(['cosine', 'euclidean']).default('cosine').describe('distance in the embedding space'),
  umap_fit_sample: fractionOrCount.default(20000).describe('rows UMAP is fitted on (then every row is transformed)'),

  plot_projection: z
    .enum(['umap', 'pca'])
    .default('umap')
    .describe('2-D map for plot.svg and report.html when clustering runs without UMAP: UMAP fitted on umap_fit_sample rows, or PCA (faster, less readable)'),
  keywords_top: z.number().int().min(1).default(10).describe('c-TF-IDF keywords kept per cluster (unigrams and bigrams)'),
  keywords_vocabulary: z
    .number()
    .int()
    .min(100)
    .default(50000)
    .describe('most frequent terms counted for keywords; bounds memory (clusters × terms counts, lowered to fit 128 MiB)'),
  keywords_language: z
    .enum(['auto', 'none', ...KEYWORD_LANGUAGES])
    .default('auto')
    .describe(
      'stop words keywords drop: auto picks them per cluster by script (Han, kana, Hangul, Thai, Latin, Cyrillic, …) and, within a script, by the language whose stop words the texts use most; or one ISO 639-1 code of the stopwords-iso lists for every cluster; none keeps every word',
    ),
  representatives: z.number().int().min(1).default(5).describe('texts nearest each cluster centre kept in clusters.parquet'),
  label_endpoint: z
    .string()
    .url()
    .optional()
    .describe('base URL of an OpenAI-compatible chat server (…/v1) that names each cluster from its keywords and texts'),
  label_model: z.string().min(1).optional().describe('model name sent to label_endpoint'),
  label_api_key_env: z.string().default('OPENAI_API_KEY').describe('environment variable that holds the API key for label_endpoint'),
  // Measured by `npm run bench:report` (headless Chromium on a shared 2-core host, load 2–4; 1M-row
  // run, texts cut to 280 characters): first draw 0.4 / 0.6 / 0.9–1.0 / 1.7–1.9 / 3.1 s and file 6.6 / 13 /
  // 26 / 65 / 130 MiB at 50k / 100k / 200k / 500k / 1M points, a zoom redraw 8–59 ms. 200,000 keeps the
  // first draw at half the 2 s goal and the file under 30 MiB; 500k meets it with no headroom (2.0 s at load 5).
  report_max_points: z
    .number()
    .int()
    .min(1000)
    .default(200000)
    .describe('points drawn in report.html; beyond it a seeded subsample, every sampled row kept. Without map_all_rows, infer gives 2-D coordinates (projection/) to about this many rows only'),
  // infer at 1M rows spent most of its time on the 2-D UMAP transform of rows the map never draws (docs/performance.md).
  map_all_rows: z
    .boolean()
    .default(false)
    .describe('give every row 2-D map coordinates in projection/ (slower: a UMAP transform per row); by default only a seeded sample of about report_max_points rows, the ones the map can draw'),

  facet: z
    .array(z.string().min(1))
    .default([])
    .describe('key path of a record field (e.g. genre, meta.source) that report.html can colour and filter the map by, with a legend of its values, their counts and their shares in the sample; repeat the flag (or give a,b) for several'),

  sample_size: z.number().int().positive().default(1000).describe('rows in the final sample'),
  sample_tokens: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional()
    .describe('size the sample in tokens instead of rows: each cluster gets a token budget by per_cluster (equal or sqrt of its tokens) and takes rows in pick order while they fit; the total lands within one short row of N (overrides sample_size)'),
  token_counter: z
    .string()
    .regex(/^(words|chars|tokenizer:.+)$/, 'words, chars, or tokenizer:WHERE (a tokenizer.json, the folder that holds it, or a hub id)')
    .default('words')
    .describe('what sample_tokens counts: words (runs of non-space characters), chars (code points), or tokenizer:WHERE, the tokens of a Hugging Face tokenizer.json without special tokens; WHERE is the file, its folder, or a hub id (OWNER/NAME: only tokenizer.json and tokenizer_config.json are fetched into the hub cache, as for tokenizer; HF_HUB_OFFLINE=1 reads the cache alone)'),
  per_cluster: z
    .enum(['equal', 'sqrt', 'balanced'])
    .default('sqrt')
    .describe('equal shares, 1 each + the rest by sqrt(cluster size), or balanced: water-filling down a hierarchical k-means tree over the cluster centroids (Vo et al. 2024; see hierarchy_clusters)'),
  hierarchy_clusters: z
    .array(z.coerce.number().int().min(1))
    .min(1)
    .optional()
    .describe('per_cluster balanced: k of each level above the run clusters, bottom-up (each level clusters the centroids of the level below), e.g. 100,10; left out, one water-filling over the clusters'),
  hierarchy_resampling: z
    .number()
    .int()
    .min(0)
    .default(10)
    .describe('per_cluster balanced: resampling refinement rounds per level (refit on the points nearest each centroid, Vo et al. 2024)'),
  within: z
    .enum(['random', 'diverse', 'farthest', 'top', 'weighted'])
    .default('random')
    .describe(
      'seeded random picks; diverse: the row nearest each centre of a k-means with k = the quota inside the cluster, biggest cells first (covers where the rows are: on SOTU a lower p90 distance to the nearest pick than random); farthest: farthest-point picks from the centroid out (the cluster\'s edges and outliers first); the highest score_key rows; or seeded score-weighted draws',
    ),
  score_key: z
    .string()
    .min(1)
    .optional()
    .describe('key path of a quality score (a number) in each record, for within: top or weighted; missing and non-numeric scores are counted and drawn last'),

  dedup_methods: z
    .array(z.enum(['exact', 'fuzzy', 'semantic']))
    .min(1)
    .default(['exact', 'fuzzy'])
    .describe(
      'semclust dedup: exact (identical texts, one id: later copies), fuzzy (MinHash: near-identical wording) and semantic (SemDeDup within clusters), applied in that order, each to the rows the earlier ones kept; semantic is left out by default because on Banking77 it removes paraphrases before it catches typos (figures per method in docs/curate.md)',
    ),
  fuzzy_shingles: z
    .enum(['word', 'char'])
    .default('word')
    .describe('fuzzy dedup: MinHash over word n-grams or character n-grams of the normalised text (lower-cased, punctuation and a/an/the removed)'),
  fuzzy_ngram: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('fuzzy dedup: n of the shingles; word 1-grams with --fuzzy-threshold 0.8 are the reference tool\'s dedup_minhash.py, character 5-grams suit long documents'),
  fuzzy_threshold: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.8)
    .describe("fuzzy dedup: a row whose Jaccard similarity to an earlier row's shingles is ≥ this is a duplicate of that row's group (exact Jaccard of the shingle sets, checked for the candidate pairs MinHash LSH finds)"),
  fuzzy_bands_threshold: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe(
      'fuzzy dedup: derive the LSH bands from this Jaccard threshold instead of --fuzzy-threshold, and keep each row\'s best candidate in OUTDIR/dedup-candidates.parquet, so a later --fuzzy-threshold at or above it reruns only the selection (same table as a full run); e.g. 0.5 to try thresholds from 0.5 up',
    ),
  against_fuzzy_threshold: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.7)
    .describe(
      'semclust dedup --against: the Jaccard threshold of fuzzy matches against a reference, below --fuzzy-threshold because decontamination is recall-first: one typo in a short text leaves (n − 1)/(n + 1) of its words (0.78 at 8 words); on Banking77 0.7 finds 96.4% of injected near-copies of a held-out set (0.8: 88.2%, docs/curate.md)',
    ),
  fuzzy_permutations: z.number().int().min(8).max(1024).default(128).describe('fuzzy dedup: MinHash permutations; LSH bands and rows per band are derived from them and the threshold'),
  dedup_epsilon: z
    .number()
    .min(0)
    .lt(1)
    .default(0.01)
    .describe("SemDeDup: a row whose cosine similarity to an already kept row of its cluster is ≥ 1 − ε is a duplicate (NeMo Curator's 0.01; Banking77 figures in docs/curate.md)"),
  dedup_epsilon_bound: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe(
      'SemDeDup: score every row against every earlier row of its cluster and keep the pairs within cosine similarity 1 − this in OUTDIR/dedup-pairs.parquet, so a later --dedup-epsilon at or below it reruns only the selection (same table as a full run; a kept row\'s similarity is then recorded down to 1 − this only); e.g. 0.05 to try ε up to 0.05',
    ),
  dedup_keep: z
    .enum(['nearest', 'farthest', 'random'])
    .default('nearest')
    .describe('SemDeDup visiting order within a cluster: the kept row of a duplicate group is the one nearest the centroid, farthest from it, or a seeded random one'),
  against: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'semclust dedup: reference sets (semclust OUTDIRs, or JSONL/Parquet/CSV files read with this run\'s text settings; repeat the flag or separate with commas): rows duplicating a reference row by a method of dedup_methods are removed as against:exact, against:fuzzy or against:semantic (the reference embedded with the run\'s model), e.g. to decontaminate against an evaluation set; references are only read',
    ),
  write_kept: z.string().min(1).optional().describe('semclust dedup: also write the original records of the kept rows to this JSONL file'),
  sweep: z
    .boolean()
    .default(false)
    .describe('semclust dedup: also print, for a range of fuzzy thresholds and ε, the rows each method would remove, read from the Jaccard and similarity dedup/ stores (no recomputation)'),
};

export const Settings = z.strictObject(settingsShape);
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;
export type SettingKey = keyof typeof settingsShape;
export const SETTING_KEYS = Object.keys(settingsShape) as SettingKey[];
