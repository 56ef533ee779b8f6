/**
 * Labelling a run with another run's fitted model (the fit stage's model_from, issue 21):
 * the settings that run lends (the embedding model that made its vectors, pinned to the
 * commit it resolved to, and every setting of its fit), the key of the fit it lends, and
 * the copy of its model/ into this run's. The other run is only read.
 */
import path from 'node:path';
import type { Settings } from '../../schemas/config.js';
import { FILES } from '../../schemas/tables.js';
import { SemclustError } from '../../core/util/semclust-error.js';
import { copyModels } from '../../operators/store/model-store.js';
import { RunState } from '../run/manifest.js';
import { SettingsError, type SettingsLayer } from '../settings/settings.js';
import type { StageStats } from '../stages/index.js';
import { modelDir } from './fitted-model.js';

/**
 * The embed settings that decide a row's vector, so new rows are embedded as the other
 * run's were; the input format (text key, delimiter) is the new input's own. The endpoint is
 * lent as a default only: another server for the same model may serve it.
 */
const MODEL_KEYS = ['embedding_model', 'embedding_column', 'revision', 'dtype', 'pooling', 'max_length', 'embedding_prefix', 'prompt_name', 'dimensions', 'embedding_endpoint'] as const;

export interface ModelSource {
  dir: string;
  state: RunState;
  /** The key of its complete fit stage: a refit there changes it, and redoes the copy here. */
  fitKey: string;
}

export function openModelSource(dir: string): ModelSource {
  if (!RunState.exists(dir)) throw new SettingsError(`--model-from ${dir}: no semclust run there (no ${FILES.manifest}); give the OUTDIR of a fitted run`);
  const state = RunState.open(dir);
  if (!state.isComplete('fit')) throw new SettingsError(`--model-from ${dir}: its fit stage is not complete; run semclust fit ${dir} first`);
  return { dir, state, fitKey: state.record('fit')!.key };
}

/**
 * What the run `s.model_from` names lends this one, when --model-from is given: its
 * embedding model and its fit settings (Stage.borrowed). Without the flag, a run that
 * recorded model_from stands on its own copy and never reads the other run again.
 */
export function modelFromLayer(s: Settings, given: ReadonlySet<string>): SettingsLayer | null {
  if (!s.model_from || !given.has('model_from')) return null;
  const source = openModelSource(s.model_from);
  const embed = source.state.record('embed')!;
  const values: Record<string, unknown> = {};
  for (const k of MODEL_KEYS) values[k] = embed.settings[k];
  // A hub model's "main" may have moved since: the rows must meet the weights the model was fitted on.
  const revision = source.state.stats('embed').model_revision;
  if (revision) values.revision = revision;
  const { model_from: _own, ...fit } = source.state.record('fit')!.settings;
  return { origin: `the run --model-from names (${path.join(s.model_from, FILES.manifest)})`, values: { ...values, ...fit } };
}

/**
 * Copies the other run's projection and cluster model into `outDir`'s model/ after checking
 * that this run's vectors came from the same model with the same dimensions; its fit
 * statistics become this run's.
 */
export function copyFittedModel(source: ModelSource, outDir: string, mine: StageStats<'embed'>): StageStats<'fit'> {
  const theirs = source.state.stats('embed');
  const named = (e: StageStats<'embed'>) => `${e.model}${e.model_revision ? `@${e.model_revision}` : ''} (${e.dims}-d)`;
  if (mine.model !== theirs.model || mine.dims !== theirs.dims || (theirs.model_revision && mine.model_revision !== theirs.model_revision)) {
    throw new SemclustError(`${outDir} was embedded with ${named(mine)}, but the model in ${source.dir} was fitted on ${named(theirs)}; embed with that model (semclust embed --embedding-model ${theirs.model}) or fit this run's own model without --model-from`);
  }
  copyModels(modelDir(source.dir), modelDir(outDir));
  return { ...source.state.stats('fit'), model_from_fit: source.fitKey };
}
