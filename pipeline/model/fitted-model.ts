/**
 * The fitted model of a run as one object: a projection (UMAP to the clustering space
 * plus 2-D, or PCA to 2-D for the plot) and a clusterer (k-means centroids or an HDBSCAN
 * tree), saved and loaded through the codecs in core/. `openLabeler` turns it into the
 * per-block function infer runs, in the main thread or in workers.
 */
import path from 'node:path';
import { NearestCentroid } from '../../core/kernels/nearest-centroid.js';
import { HdbscanPredictor } from '../../core/hdbscan/approximate-predict.js';
import { decodeHdbscanModel, encodeHdbscanModel, type EncodedHdbscanModel, type HdbscanModel } from '../../core/hdbscan/hdbscan-model.js';
import { decodeKMeansModel, encodeKMeansModel, type KMeansModel } from '../../core/kmeans/kmeans-model.js';
import { projectPca, type Pca } from '../../core/pca/pca.js';
import { decodePcaModel, encodePcaModel } from '../../core/pca/pca-model.js';
import { releaseTransformIndex, transformUmap } from '../../core/umap/transform-umap.js';
import { decodeUmapModel, encodeUmapModel, type UmapModel } from '../../core/umap/umap-model.js';
import { FILES } from '../../schemas/tables.js';
import { loadModel, modelExists, saveModel } from '../../operators/store/model-store.js';

/**
 * `umap`: UMAP to the clustering space and 2-D; `umap-map`: clustering runs on the
 * embeddings, UMAP makes only the 2-D map (its model has one output, dims [2]); `pca`: PCA
 * 2-D map, only when asked (`plot_projection: pca`).
 */
export type Projection = { kind: 'umap'; umap: UmapModel } | { kind: 'umap-map'; umap: UmapModel } | { kind: 'pca'; pca: Pca };
export type Clusterer = { kind: 'kmeans'; model: KMeansModel } | { kind: 'hdbscan'; model: HdbscanModel };

export interface FittedModel {
  projection: Projection;
  clusterer: Clusterer;
}

export function modelDir(outDir: string): string {
  return path.join(outDir, FILES.model);
}

export function saveProjection(dir: string, p: Projection): void {
  if (p.kind !== 'pca') saveModel(dir, 'umap', encodeUmapModel(p.umap));
  else saveModel(dir, 'pca', encodePcaModel(p.pca));
}

export function saveClusterer(dir: string, c: Clusterer): void {
  if (c.kind === 'kmeans') saveModel(dir, 'kmeans', encodeKMeansModel(c.model));
  else saveModel(dir, 'hdbscan', encodeHdbscanModel(c.model));
}

export function loadFitted(outDir: string): FittedModel {
  const dir = modelDir(outDir);
  let projection: Projection;
  if (modelExists(dir, 'umap')) {
    const umap = decodeUmapModel(loadModel(dir, 'umap'));
    projection = { kind: umap.dims.length === 1 ? 'umap-map' : 'umap', umap };
  } else projection = { kind: 'pca', pca: decodePcaModel(loadModel(dir, 'pca')) };
  const clusterer: Clusterer = modelExists(dir, 'hdbscan')
    ? { kind: 'hdbscan', model: decodeHdbscanModel(loadModel(dir, 'hdbscan') as EncodedHdbscanModel) }
    : { kind: 'kmeans', model: decodeKMeansModel(loadModel(dir, 'kmeans')) };
  return { projection, clusterer };
}

/** Clusters the model defines: k for k-means, the selected clusters for HDBSCAN. */
export function clusterCount(c: Clusterer): number {
  return c.kind === 'kmeans' ? c.model.k : c.model.meta.labelCount;
}

export interface LabeledBlock {
  labels: Int32Array;
  probabilities: Float32Array;
  /** 1 where a noise row was given its most likely cluster (hdbscan_assign_noise). */
  reassigned: Uint8Array;
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

interface Assigner {
  run(space: Float32Array, rows: number): Promise<{ labels: Int32Array; probabilities: Float32Array; reassigned: Uint8Array }>;
  close(): Promise<void>;
}

export interface LabelerOptions {
  threads?: number;
  /** HDBSCAN: noise rows get their most likely cluster (core/hdbscan/assign-noise.ts). */
  assignNoise?: boolean;
}

async function openAssigner(c: Clusterer, { threads, assignNoise }: LabelerOptions): Promise<Assigner> {
  if (c.kind === 'kmeans') {
    const kernel = await NearestCentroid.create(c.model.centroids, c.model.k, c.model.dims, { threads });
    return {
      run: async (space, rows) => {
        const labels = new Int32Array(rows);
        await kernel.assign(space, rows, labels, new Float32Array(rows));
        return { labels, probabilities: new Float32Array(rows).fill(1), reassigned: new Uint8Array(rows) };
      },
      close: () => kernel.close(),
    };
  }
  const predictor = await HdbscanPredictor.create(c.model, { threads, assignNoise });
  return {
    run: async (space, rows) => {
      const p = await predictor.predict(space, rows);
      return { labels: p.labels, probabilities: Float32Array.from(p.probabilities), reassigned: p.reassigned };
    },
    close: () => predictor.close(),
  };
}

export async function openLabeler(fitted: FittedModel, options: LabelerOptions = {}): Promise<Labeler> {
  const threads = options.threads;
  const assign = await openAssigner(fitted.clusterer, options);
  return {
    label: async (block, rows, dims) => {
      const { space, spaceDims, xy } = await projectBlock(fitted.projection, block, rows, dims, threads);
      const { labels, probabilities, reassigned } = await assign.run(space, rows);
      return { labels, probabilities, reassigned, xy, space, spaceDims };
    },
    close: async () => {
      await assign.close();
      if (fitted.projection.kind !== 'pca') await releaseTransformIndex(fitted.projection.umap);
    },
  };
}
