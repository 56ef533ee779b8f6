/**
 * The fitted model of a run as one object: a projection (UMAP to the clustering space
 * plus 2-D, or PCA to 2-D for the plot) and a clusterer (clusterer.ts: k-means, HDBSCAN),
 * saved and loaded through the codecs in core/. `openLabeler` turns it into the per-block
 * function infer runs, in the main thread or in workers.
 */
import path from 'node:path';
import { projectPca, type Pca } from '../../core/pca/pca.js';
import { decodePcaModel, encodePcaModel } from '../../core/pca/pca-model.js';
import { releaseTransformIndex, transformUmap } from '../../core/umap/transform-umap.js';
import { decodeUmapModel, encodeUmapModel, type UmapModel } from '../../core/umap/umap-model.js';
import { FILES } from '../../schemas/tables.js';
import { takeRows } from '../../core/util/rows.js';
import { loadModel, modelExists, saveModel } from '../../operators/store/model-store.js';
import type { BlockLabels, Clusterer, LabelOptions } from './clusterer.js';
import { loadClusterer } from './clusterers.js';

/**
 * `umap`: UMAP to the clustering space and 2-D; `umap-map`: clustering runs on the
 * embeddings, UMAP makes only the 2-D map (its model has one output, dims [2]); `pca`: PCA
 * 2-D map, only when asked (`plot_projection: pca`).
 */
export type Projection = { kind: 'umap'; umap: UmapModel } | { kind: 'umap-map'; umap: UmapModel } | { kind: 'pca'; pca: Pca };

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

export function loadFitted(outDir: string): FittedModel {
  const dir = modelDir(outDir);
  let projection: Projection;
  if (modelExists(dir, 'umap')) {
    const umap = decodeUmapModel(loadModel(dir, 'umap'));
    projection = { kind: umap.dims.length === 1 ? 'umap-map' : 'umap', umap };
  } else projection = { kind: 'pca', pca: decodePcaModel(loadModel(dir, 'pca')) };
  return { projection, clusterer: loadClusterer(dir) };
}

export interface LabeledBlock extends BlockLabels {
  /** mapRows.length × 2 plot coordinates: those of the rows asked for, in their order. */
  xy: Float32Array;
  /** The rows in the space they were clustered in (rows × spaceDims). */
  space: Float32Array;
  spaceDims: number;
}

export interface Labeler {
  /** Labels every row of the block and gives map coordinates to `mapRows` (ascending positions in the block). */
  label(block: Float32Array, rows: number, dims: number, mapRows: Uint32Array): Promise<LabeledBlock>;
  close(): Promise<void>;
}

/**
 * Projects a block: the clustering space (the block itself without UMAP) and 2-D plot
 * coordinates of `mapRows` (every row when left out). Only UMAP to the clustering space
 * transforms every row; a 2-D map alone transforms the listed rows, which at 1M rows and the
 * default 200,000 drawn points is most of what infer saved (docs/performance.md).
 */
export async function projectBlock(p: Projection, block: Float32Array, rows: number, dims: number, threads?: number, mapRows?: Uint32Array): Promise<{ space: Float32Array; spaceDims: number; xy: Float32Array }> {
  const drawn = () => (mapRows && mapRows.length < rows ? takeRows(block, dims, mapRows) : block.subarray(0, rows * dims));
  if (p.kind === 'pca') return { space: block, spaceDims: dims, xy: projectPca(p.pca, drawn(), mapRows?.length ?? rows) };
  if (p.kind === 'umap-map') {
    const [xy] = mapRows?.length === 0 ? [new Float32Array(0)] : await transformUmap(p.umap, drawn(), { threads });
    return { space: block, spaceDims: dims, xy };
  }
  const [space, xy] = await transformUmap(p.umap, block.subarray(0, rows * dims), { threads });
  return { space, spaceDims: p.umap.dims[0], xy: mapRows && mapRows.length < rows ? takeRows(xy, 2, mapRows) : xy };
}

export async function openLabeler(fitted: FittedModel, options: LabelOptions = {}): Promise<Labeler> {
  const threads = options.threads;
  const clusters = await fitted.clusterer.openLabeler(options);
  return {
    label: async (block, rows, dims, mapRows) => {
      const { space, spaceDims, xy } = await projectBlock(fitted.projection, block, rows, dims, threads, mapRows);
      const { labels, probabilities, reassigned } = await clusters.label(space, rows);
      return { labels, probabilities, reassigned, xy, space, spaceDims };
    },
    close: async () => {
      await clusters.close();
      if (fitted.projection.kind !== 'pca') await releaseTransformIndex(fitted.projection.umap);
    },
  };
}
