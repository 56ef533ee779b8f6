import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Settings } from '../../../schemas/config.js';
import { openEmbedder } from '../../../operators/embedders/open-embedder.js';
import { openEmbedderInWorker } from '../../../operators/embedders/worker-embedder.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { tempDir } from '../../support/paths.js';

test('an embedder in a worker thread answers as the same embedder on this thread, batches in flight together', async () => {
  const m2v = await writeStaticModel(path.join(tempDir('inworker'), 'potion'), { seed: 11, layout: 'model2vec', dims: 16 });
  const settings = Settings.parse({ embedding_model: m2v.dir });
  const here = await openEmbedder(settings);
  const there = await openEmbedderInWorker(settings);
  try {
    assert.deepEqual([there.model, there.dims, there.revision], [here.model, here.dims, here.revision]);
    const batches = [['hello world', 'my card'], ['bank money is lost'], []];
    const got = await Promise.all(batches.map((b) => there.embed(b)));
    for (let i = 0; i < batches.length; i++) assert.deepEqual(got[i], await here.embed(batches[i]));
  } finally {
    await here.close();
    await there.close();
  }
});

test('a model that cannot be opened rejects with the opener\'s message and leaves no thread behind', async () => {
  const missing = path.join(tempDir('inworker'), 'no-such-model');
  let direct = '';
  await openEmbedder(Settings.parse({ embedding_model: missing })).catch((e: Error) => (direct = e.message));
  assert.ok(direct.length > 0);
  await assert.rejects(openEmbedderInWorker(Settings.parse({ embedding_model: missing })), { message: direct });
});
