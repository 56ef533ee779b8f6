/**
 * semclust as a library. The public API is what README.md ("As a library") promises: the
 * pipeline runner and its settings, the readers, embedders and writers, and the pure cores.
 * Everything under "Internal" below is exported for the project's own scripts and may change
 * without notice.
 */

// ── Pipeline: whole stages over a run folder ─────────────────────────────────────────────
export { runStages, type RunRequest } from './pipeline/run/run-stages.js';
export type { RunState } from './pipeline/run/manifest.js';
export { resolveSettings, loadPipelineFile, type SettingsLayer } from './pipeline/settings/settings.js';
export { Settings, STAGES, type SettingsInput, type StageName } from './schemas/config.js';

// ── Readers ──────────────────────────────────────────────────────────────────────────────
export { readLines, resolveInputs, type LineBatch } from './operators/input/read-lines.js';
export { extractTexts, type RowBatch } from './operators/input/extract-text.js';
export { readTableRecords } from './operators/input/read-table.js';
export { openPrecomputedVectors, type PrecomputedVectors } from './operators/input/precomputed-vectors.js';

// ── Embedders and the embed operator ─────────────────────────────────────────────────────
export type { Embedder } from './operators/embedders/embedder.js';
export { openEmbedder } from './operators/embedders/open-embedder.js';
export { openStaticModel } from './operators/embedders/static-model.js';
export { openOnnxFolder } from './operators/embedders/onnx-folder.js';
export { openHttpEmbedder } from './operators/embedders/openai-http.js';
export { embedRows, type EmbeddedBatch } from './operators/embed/embed.js';
export { startEmbeddingServer } from './operators/http/embedding-server.js';

// ── Writers and the run folder ───────────────────────────────────────────────────────────
export { readParquet, writeParquet, vectorsOf } from './operators/parquet/parquet.js';
export { openRunDatabase, withRunDatabase } from './operators/duckdb/duckdb-views.js';

// ── Pure cores: typed arrays in, typed arrays out (n × d row-major Float32Array) ─────────
export { fitKMeans, type KMeansOptions, type KMeansResult } from './core/kmeans/kmeans.js';
export { NearestCentroid } from './core/kernels/nearest-centroid.js';
export { fitHdbscan, type HdbscanOptions, type HdbscanResult } from './core/hdbscan/fit-hdbscan.js';
export { fitUmap, type FitUmapOptions } from './core/umap/fit-umap.js';
export { transformUmap, type TransformUmapOptions } from './core/umap/transform-umap.js';
export type { UmapModel } from './core/umap/umap-model.js';
export { allocateQuotas, type QuotaRule } from './core/sample/allocate-quotas.js';
export { balancedQuotas } from './core/sample/balanced-quotas.js';
export { farthestPointOrder } from './core/sample/farthest-point.js';
export { kmeansPickOrder } from './core/sample/kmeans-picks.js';
export { normalizedMutualInfo, adjustedRandIndex } from './core/metrics/cluster-metrics.js';
export { createRng } from './core/util/random.js';

// ── Internal: used by the project's scripts and benches; not part of the promised API ─────
export * as tables from './schemas/tables.js';
export { tableFormat, type TableFormat } from './operators/input/read-table.js';
export { takeVectors } from './operators/input/precomputed-vectors.js';
export { resolveModel } from './operators/embedders/hub-download.js';
