import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Settings } from '../../../schemas/config.js';
import { WorkerClient } from '../../../operators/workers/worker-rpc.js';
import type { EmbedderMethods } from '../../../operators/embedders/embedder-worker.js';
import { openStaticFolder, staticLayout } from '../../../operators/embedders/static-folder.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { REPO, tempDir } from '../../support/paths.js';

const WORKER = new URL(`file://${path.join(REPO, 'dist/operators/embedders/embedder-worker.js')}`);

test('the embedder worker reports the model it opened and returns each batch\'s vectors as a moved buffer of its own', async () => {
  const m2v = await writeStaticModel(path.join(tempDir('ew'), 'potion'), { seed: 12, layout: 'model2vec' });
  const direct = await openStaticFolder(m2v.dir, (await staticLayout(m2v.dir))!);
  const w = new WorkerClient<EmbedderMethods>(WORKER, { settings: Settings.parse({ embedding_model: m2v.dir }) });
  try {
    const info = (await w.ready) as { model: string; dims: number };
    assert.equal(info.model, direct.model);
    assert.equal(info.dims, direct.dims);
    const texts = ['hello world', 'lost card', 'money'];
    const got = await w.call('embed', texts);
    assert.ok(got instanceof Float32Array);
    assert.equal(got.byteOffset, 0);
    assert.equal(got.buffer.byteLength, got.byteLength, 'the buffer holds exactly these vectors');
    assert.deepEqual(got, await direct.embed(texts));
  } finally {
    await w.close();
    await direct.close();
  }
});
