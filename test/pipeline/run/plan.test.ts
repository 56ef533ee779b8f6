/**
 * The plan (pipeline/run/plan.ts) over the fake stages of test/support/fake-stages.ts and a
 * real RunState: decisions and their reasons, settings remembered per OUTDIR, ownership of
 * flags, inputs recorded relative to OUTDIR, and the lines printed before any work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { RunState } from '../../../pipeline/run/manifest.js';
import { describePlan, planStages, runtimeKeys } from '../../../pipeline/run/plan.js';
import type { Stage } from '../../../pipeline/run/stage.js';
import { SettingsError } from '../../../pipeline/settings/settings.js';
import { fakeStages } from '../../support/fake-stages.js';
import { tempDir } from '../../support/paths.js';

const all = fakeStages({ units: 1, ran: [] });
const layer = (values: Record<string, unknown>) => [{ origin: 'flags', values }];
const fresh = () => RunState.open(path.join(tempDir('plan'), 'out'));

/** Records the plan's stages as complete, as the run protocol would. */
function record(state: RunState, plans: Awaited<ReturnType<typeof planStages>>): void {
  for (const p of plans) {
    state.begin(p.stage.name, p.key, p.recorded);
    state.complete(p.stage.name, p.stage.name === 'embed' ? { lines_read: 1, rows: 1, rejected: 0, rejected_by_reason: {}, embedded: 1, duplicates: 0, parts: 1, dims: 4, model: 'fake', model_revision: null, inputs: [], resumed_parts: 0 } : { fit_rows: 1, algorithm: 'kmeans', projection: 'none', clusters: 2 });
  }
}

test('a fresh OUTDIR runs every stage; the same settings then skip, and the keys do not depend on runtime settings', async () => {
  const state = fresh();
  const plans = await planStages(state, all, ['embed', 'fit'], layer({ part_rows: 100, kmeans_num_clusters: 2 }), 'fit', true);
  assert.deepEqual(plans.map((p) => p.decision), ['run', 'run']);
  assert.deepEqual(describePlan(plans, state, all), []);
  record(state, plans);
  const again = await planStages(state, all, ['embed', 'fit'], layer({ threads: 3 }), 'fit', true);
  assert.deepEqual(again.map((p) => p.decision), ['skip', 'skip']);
  assert.deepEqual(again.map((p) => p.key), plans.map((p) => p.key));
  assert.equal(again[0].settings.part_rows, 100, 'settings come back from the manifest');
  assert.ok(runtimeKeys(all).includes('threads') && !runtimeKeys(all).includes('part_rows'));
});

test('a changed setting redoes its stage and the stages that need it, with reasons and the line printed first', async () => {
  const state = fresh();
  record(state, await planStages(state, all, ['embed', 'fit'], layer({ part_rows: 100, kmeans_num_clusters: 2 }), 'fit', true));
  const plans = await planStages(state, all, ['embed', 'fit'], layer({ part_rows: 200 }), 'fit', true);
  assert.deepEqual(plans.map((p) => p.decision), ['redo', 'redo']);
  assert.deepEqual(plans[0].reasons, ['part_rows 100 → 200']);
  assert.deepEqual(plans[1].reasons, ['embed is redone']);
  assert.deepEqual(describePlan(plans, state, all), ['part_rows 100 → 200: embed and fit will be redone', '  this replaces the 1 rows embedded earlier in ' + state.outDir]);
  const fitOnly = await planStages(state, all, ['fit'], layer({ kmeans_num_clusters: 5 }), 'fit', true);
  assert.deepEqual(describePlan(fitOnly, state, all), ['kmeans_num_clusters 2 → 5: fit will be redone']);
});

test('an unfinished record resumes a resumable stage and redoes one that is not', async () => {
  const state = fresh();
  const plans = await planStages(state, all, ['embed', 'fit'], layer({ kmeans_num_clusters: 2 }), 'fit', true);
  record(state, plans.slice(0, 1));
  state.begin('fit', plans[1].key, plans[1].recorded);
  const [fit] = await planStages(state, all, ['fit'], [], 'fit', true);
  assert.equal(fit.decision, 'redo');
  assert.deepEqual(fit.reasons, ['the last attempt was interrupted']);
  state.restart('embed');
  const [embed] = await planStages(state, all, ['embed'], [], 'embed', true);
  assert.equal(embed.decision, 'resume');
});

test('a stage whose upstream is neither complete nor run by the command is refused, naming the command that runs it', async () => {
  await assert.rejects(planStages(fresh(), all, ['fit'], [], 'fit', true), (e: Error) => e instanceof SettingsError && /fit needs the embed stage, which is not complete here; run semclust embed INPUT\.\.\. OUTDIR first/.test(e.message));
});

test('strict: a flag of a later stage is refused; one of an earlier stage must match what it recorded', async () => {
  const state = fresh();
  await assert.rejects(planStages(state, all, ['embed'], layer({ kmeans_num_clusters: 3 }), 'embed', true), /--kmeans-num-clusters belongs to the fit stage \(semclust fit OUTDIR/);
  assert.equal((await planStages(state, all, ['embed'], layer({ kmeans_num_clusters: 3 }), 'embed', false)).length, 1, 'not strict: accepted');
  record(state, await planStages(state, all, ['embed'], layer({ part_rows: 100 }), 'embed', true));
  assert.equal((await planStages(state, all, ['fit'], layer({ part_rows: 100, kmeans_num_clusters: 2 }), 'fit', true))[0].decision, 'run');
  await assert.rejects(
    planStages(state, all, ['fit'], layer({ part_rows: 300 }), 'fit', true),
    /flags: --part-rows 300 differs from this run's embed stage, which used 100; `semclust fit` does not redo embed\. To change it run semclust embed INPUT\.\.\. OUTDIR --part-rows 300, or drop the flag\./,
  );
});

test('inputs are recorded relative to OUTDIR and given back absolute', async () => {
  const stage: Stage = { ...all[0], settings: ['input', 'part_rows'] };
  const state = fresh();
  const input = path.join(path.dirname(state.outDir), 'data', 'in.jsonl');
  const [plan] = await planStages(state, [stage, all[1]], ['embed'], layer({ input: [input] }), 'embed', true);
  assert.deepEqual(plan.recorded.input, [path.join('..', 'data', 'in.jsonl')]);
  record(state, [plan]);
  const [again] = await planStages(state, [stage, all[1]], ['embed'], [], 'embed', true);
  assert.deepEqual(again.settings.input, [input]);
  assert.equal(again.decision, 'skip');
});
