/**
 * What a clustering algorithm is to the pipeline. It fits on the fit sample in the clustering
 * space, saves and loads its model under OUTDIR/model/, labels blocks of rows for infer, and
 * says what its cluster centres and its noise are. Each algorithm implements this in one file
 * (kmeans-clusterer.ts, hdbscan-clusterer.ts) over its core/ folder; clusterers.ts maps
 * `cluster_alg` to it. Nothing else in pipeline/ or operators/ asks which algorithm ran.
 */
import type { SettingKey, Settings } from '../../schemas/config.js';
import type { OnProgress } from '../../core/util/progress-event.js';

export type ClusterAlg = Settings['cluster_alg'];

/** The boolean settings (a noise option is one). */
export type BooleanSettingKey = { [K in SettingKey]-?: Settings[K] extends boolean ? K : never }[SettingKey];

/** The fit sample in the clustering space: `rows × dims` floats, row-major. */
export interface ClusteringSpace {
  values: Float32Array;
  rows: number;
  dims: number;
}

/** Where a fit says what it does: messages, and progress lines per phase of the core fit. */
export interface FitReporter {
  log(message: string): void;
  progress(label: string): { onProgress: OnProgress; finish(): void };
}

/** What the fit stage records about the clustering (after fit_rows, algorithm, projection). */
export interface ClusterFitStats {
  clusters: number;
  inertia?: number;
  iterations?: number;
  fit_noise_fraction?: number;
}

/** One block's assignment, aligned with its rows. */
export interface BlockLabels {
  /** 0..clusters-1, or -1 for noise. */
  labels: Int32Array;
  /** Membership strength in [0, 1] (1 for every k-means row). */
  probabilities: Float32Array;
  /** 1 where a noise row was given its most likely cluster instead of -1. */
  reassigned: Uint8Array;
}

/** The labelling kernel of a fitted model (infer runs one per worker thread). */
export interface ClusterLabeler {
  /** `space`: rows × the model's dims, in the clustering space. */
  label(space: Float32Array, rows: number): Promise<BlockLabels>;
  close(): Promise<void>;
}

export interface LabelOptions {
  threads?: number;
  /** Noise rows get their most likely cluster (only for algorithms with `noise`). */
  assignNoise?: boolean;
}

/** A fitted model. */
export interface Clusterer {
  readonly algorithm: ClusterAlgorithm;
  /** Clusters the model defines; labels are below this or -1. */
  readonly clusters: number;
  /** How the plot titles it: `k-means k=20`, `HDBSCAN, 14 clusters`. */
  readonly description: string;
  /** Writes the model into `dir` through operators/store/model-store.ts. */
  save(dir: string): void;
  openLabeler(options: LabelOptions): Promise<ClusterLabeler>;
  /**
   * The centres clusters.parquet, dedup and the report use (clusters × dims), or null when a
   * centre is the mean of the rows labelled into it, which infer then sums part by part.
   */
  centroids(): { values: Float32Array; dims: number } | null;
}

export interface ClusterAlgorithm {
  readonly name: ClusterAlg;
  /** The fit settings that key this algorithm's model. */
  readonly settings: readonly SettingKey[];
  /**
   * null: every row gets a cluster. Otherwise labels can be -1, and `assign` names the
   * setting that gives noise rows their most likely cluster (it keys infer).
   */
  readonly noise: { assign: BooleanSettingKey } | null;
  /** Throws before any work when these settings cannot fit `rows` rows. */
  check(s: Settings, rows: number): void;
  fit(space: ClusteringSpace, s: Settings, report: FitReporter): Promise<{ clusterer: Clusterer; stats: ClusterFitStats }>;
  /** The model saved in `dir`, or null when `dir` holds no model of this algorithm. */
  load(dir: string): Clusterer | null;
}
