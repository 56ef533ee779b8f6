/** semclust as a library: the operators, the pure cores, and the pipeline runner. */
export { Settings, STAGES, type SettingsInput, type StageName } from './schemas/config.js';
export * as tables from './schemas/tables.js';

export { readLines, resolveInputs, type LineBatch } from './operators/input/read-lines.js';
export { extractTexts, type RowBatch } from './operators/input/extract-text.js';
export { embedRows, type EmbeddedBatch } from './operators/embed/embed.js';
export { readTableRecords, tableFormat, type TableFormat } from './operators/input/read-table.js';
export { openPrecomputedVectors, takeVectors, type PrecomputedVectors } from './operators/input/precomputed-vectors.js';
export type { Embedder } from './operators/embedders/embedder.js';
export { openEmbedder } from './operators/embedders/open-embedder.js';
export { openStaticModel } from './operators/embedders/static-model.js';
export { openOnnxFolder } from './operators/embedders/onnx-folder.js';
export { resolveModel } from './operators/embedders/hub-download.js';
export { openHttpEmbedder } from './operators/embedders/openai-http.js';
export { startEmbeddingServer } from './operators/http/embedding-server.js';
export { readParquet, writeParquet, vectorsOf } from './operators/parquet/parquet.js';
export { openRunDatabase } from './operators/duckdb/duckdb-views.js';

export { fitKMeans } from './core/kmeans/kmeans.js';
export { NearestCentroid } from './core/kernels/nearest-centroid.js';
export { allocateQuotas } from './core/sample/allocate-quotas.js';
export { farthestPointOrder } from './core/sample/farthest-point.js';
export { normalizedMutualInfo, adjustedRandIndex } from './core/metrics/cluster-metrics.js';
export { createRng } from './core/util/random.js';

export { runStages } from './pipeline/run/run-stages.js';
export { resolveSettings, loadPipelineFile } from './pipeline/settings/settings.js';
