/**
 * The reference tool's flags (facebookresearch/matrix, data_pipeline/clustering) that are not
 * semclust settings, with what each means here, so its README command lines run as written
 * once the Ray head argument is dropped. `note` flags are accepted with a one-line note.
 */
import type { SettingKey } from './config.js';

export type ReferenceFlag =
  /** The same setting under another name. */
  | { kind: 'rename'; to: SettingKey }
  /** A Python boolean that picks one of two values of a setting. */
  | { kind: 'choice'; to: SettingKey; ifTrue: string; ifFalse: string }
  /** Accepted when it equals `value`; any other value is refused with `why`. */
  | { kind: 'fixed'; value: number; why: string }
  /** Accepted and not needed here; `note` says why. */
  | { kind: 'note'; note: string };

export const REFERENCE_FLAGS: Record<string, ReferenceFlag> = {
  umap_cluster_dim: { kind: 'rename', to: 'umap_dim' },
  umap_fit_sample_frac: { kind: 'rename', to: 'umap_fit_sample' },
  clustering_fit_sample_frac: { kind: 'rename', to: 'fit_sample' },
  same_samples_per_cluster: { kind: 'choice', to: 'per_cluster', ifTrue: 'equal', ifFalse: 'sqrt' },
  random_sample_within_cluster: { kind: 'choice', to: 'within', ifTrue: 'random', ifFalse: 'farthest' },
  umap_viz_dim: { kind: 'fixed', value: 2, why: 'the map for people is always 2-D (report.html, plot.svg)' },
  run_id: { kind: 'note', note: 'semclust keeps one run per OUTDIR, so --run_id is not needed; use another OUTDIR for another run' },
  viz_sample_size: { kind: 'note', note: 'the map draws every row up to --report-max-points (a seeded subsample beyond it), so --viz_sample_size is not needed' },
};
