/**
 * The fitted model of a run as one object: an optional projection (UMAP to the clustering
 * space plus 2-D, or PCA to 2-D for the plot) and a clusterer (k-means centroids or an
 * HDBSCAN tree). `openLabeler` turns it into the per-block function infer runs, in the
 * main thread or in workers.
 */
import path from 'node:path';
import { NearestCentroid } from '../core/kernels/nearest-centroid.js';
import { HdbscanPredictor } from '../core/hdbscan/approximate-predict.js';
import { decodeHdbscanModel, encodeHdbscanModel, type HdbscanModel, type EncodedHdbscanModel } from '../core/hdbscan/hdbscan-model.js';
import { projectPca, type Pca } from '../core/pca.js';
import { releaseTransformIndex, transformUmap } from '../core/umap/transform-umap.js';
import { decodeUmapModel, encodeUmapModel, type UmapModel } from '../core/umap/umap-model.js';
import { FILES } from '../schemas/tables.js';
import { loadModel, modelExists, saveModel } from '../operators/model-store.js';

/**
 * `umap`: UMAP to the clustering space and 2-D; `umap-map`: clustering runs on the
 * embeddings, UMAP makes only the 2-D map (its model has one output, dims [2]); `pca`: PCA
 * 2-D map, only when asked (`plot_projection: pca`).
 */
export type Projection = { kind: 'umap'; umap: UmapModel } | { kind: 'umap-map'; umap: UmapModel } | { kind: 'pca'; pca: Pca };
export type Clusterer = { kind: 'kmeans'; centroids: Float32Array; k: number; dims: number; meta: Record<string, unknown> } | { kind: 'hdbscan'; model: HdbscanModel };

export interface FittedModel {
  projection: Projection;
  clusterer: Clusterer;
}

const NAMES = { kmeans: 'kmeans', hdbscan: 'hdbscan', umap: 'umap', pca: 'pca' } as const;

export function modelDir(outDir: string): string {
  return path.join(outDir, FILES.model);
}

export function saveProjection(dir: string, p: Projection): void {
  if (p.kind !== 'pca') saveModel(dir, NAMES.umap, encodeUmapModel(p.umap) as { meta: Record<string, unknown>; arrays: Record<string, Float32Array | Int32Array> });
  else saveModel(dir, NAMES.pca, { meta: { method: 'pca', dims: p.pca.dims, components: p.pca.count }, arrays: { mean: p.pca.mean, components: p.pca.components } });
}

export function saveClusterer(dir: string, c: Clusterer): void {
  if (c.kind === 'kmeans') saveModel(dir, NAMES.kmeans, { meta: { ...c.meta, algorithm: 'kmeans', k: c.k, dims: c.dims }, arrays: { centroids: c.centroids } });
  else saveModel(dir, NAMES.hdbscan, encodeHdbscanModel(c.model) as { meta: Record<string, unknown>; arrays: EncodedHdbscanModel['arrays'] });
}

export function loadFitted(outDir: string): FittedModel {
  const dir = modelDir(outDir);
  let projection: Projection;
  if (modelExists(dir, NAMES.umap)) {
    const umap = decodeUmapModel(loadModel(dir, NAMES.umap) as Parameters<typeof decodeUmapModel>[0]);
    projection = { kind: umap.dims.length === 1 ? 'umap-map' : 'umap', umap };
  } else {
    const m = loadModel(dir, NAMES.pca);
    projection = { kind: 'pca', pca: { mean: m.arrays.mean as Float32Array, components: m.arrays.components as Float32Array, dims: Number(m.meta.dims), count: Number(m.meta.components) } };
  }
  let clusterer: Clusterer;
  if (modelExists(dir, NAMES.hdbscan)) {
    clusterer = { kind: 'hdbscan', model: decodeHdbscanModel(loadModel(dir, NAMES.hdbscan) as EncodedHdbscanModel) };
  } else {
    const m = loadModel(dir, NAMES.kmeans);
    clusterer = { kind: 'kmeans', centroids: m.arrays.centroids as Float32Array, k: Number(m.meta.k), dims: Number(m.meta.dims), meta: m.meta };
  }
  return { projection, clusterer };
}

export interface LabeledBlock {
  labels: Int32Array;
  probabilities: Float32Array;
  /** rows × 2 plot coordinates. */
  xy: Float32Array;
  /** The rows in the space they were clustered in (rows × spaceDims). */
  space: Float32Array;
  spaceDims: number;
}

export interface Labeler {
  label(block: Float32Array, rows: number, dims: number): Promise<LabeledBlock>;
  close(): Promise<void>;
}

/** Projects a block: the clustering space (the block itself without UMAP) and 2-D plot coordinates. */
export async function projectBlock(p: Projection, block: Float32Array, rows: number, dims: number, threads?: number): Promise<{ space: Float32Array; spaceDims: number; xy: Float32Array }> {
  if (p.kind === 'pca') return { space: block, spaceDims: dims, xy: projectPca(p.pca, block, rows) };
  if (p.kind === 'umap-map') {
    const [xy] = await transformUmap(p.umap, block.subarray(0, rows * dims), { threads });
    return { space: block, spaceDims: dims, xy };
  }
  const [space, xy] = await transformUmap(p.umap, block.subarray(0, rows * dims), { threads });
  return { space, spaceDims: p.umap.dims[0], xy };
}

export async function openLabeler(fitted: FittedModel, threads?: number): Promise<Labeler> {
  const c = fitted.clusterer;
  const assign =
    c.kind === 'kmeans'
      ? await (async () => {
          const kernel = await NearestCentroid.create(c.centroids, c.k, c.dims, { threads });
          return {
            run: async (space: Float32Array, rows: number) => {
              const labels = new Int32Array(rows);
              await kernel.assign(space, rows, labels, new Float32Array(rows));
              return { labels, probabilities: new Float32Array(rows).fill(1) };
            },
            close: () => kernel.close(),
          };
        })()
      : await (async () => {
          const predictor = await HdbscanPredictor.create(c.model, { threads });
          return {
            run: async (space: Float32Array, rows: number) => {
              const p = await predictor.predict(space, rows);
              return { labels: p.labels, probabilities: Float32Array.from(p.probabilities) };
            },
            close: () => predictor.close(),
          };
        })();
  return {
    label: async (block, rows, dims) => {
      const { space, spaceDims, xy } = await projectBlock(fitted.projection, block, rows, dims, threads);
      const { labels, probabilities } = await assign.run(space, rows);
      return { labels, probabilities, xy, space, spaceDims };
    },
    close: async () => {
      await assign.close();
      if (fitted.projection.kind !== 'pca') await releaseTransformIndex(fitted.projection.umap);
    },
  };
}
