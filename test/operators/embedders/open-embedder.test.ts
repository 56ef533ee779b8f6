import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Settings } from '../../../schemas/config.js';
import { openEmbedder } from '../../../operators/embedders/open-embedder.js';
import { openOnnxFolder } from '../../../operators/embedders/onnx-folder.js';
import { openStaticFolder, staticLayout } from '../../../operators/embedders/static-folder.js';
import { startEmbeddingServer } from '../../../operators/http/embedding-server.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { writeTinyTransformer } from '../../support/tiny-transformer.js';
import { tempDir } from '../../support/paths.js';

const TEXTS = ['hello world', 'my card is lost', 'bank money'];

async function vectors(e: Embedder): Promise<Float32Array> {
  try {
    return await e.embed(TEXTS);
  } finally {
    await e.close();
  }
}

test('a static table folder opens as the static backend, a transformer folder as ONNX: the same vectors as opening them directly', async () => {
  const root = tempDir('open');
  const m2v = await writeStaticModel(path.join(root, 'potion'), { seed: 8, layout: 'model2vec' });
  assert.deepEqual(await vectors(await openEmbedder(Settings.parse({ embedding_model: m2v.dir }))), await vectors(await openStaticFolder(m2v.dir, (await staticLayout(m2v.dir))!)));
  const bert = await writeTinyTransformer(path.join(root, 'bert'), { seed: 8, tokenizer: 'wordpiece' });
  assert.deepEqual(await vectors(await openEmbedder(Settings.parse({ embedding_model: bert.dir }))), await vectors(await openOnnxFolder(bert.dir, {})));
});

test('an endpoint means the HTTP backend, whatever the model names: vectors come from the server', async () => {
  const m2v = await writeStaticModel(path.join(tempDir('open'), 'potion'), { seed: 9, layout: 'model2vec' });
  const local = await openStaticFolder(m2v.dir, (await staticLayout(m2v.dir))!);
  const server = await startEmbeddingServer(local, { modelName: 'served-model' });
  try {
    const remote = await openEmbedder(Settings.parse({ embedding_endpoint: server.url, embedding_model: 'served-model' }));
    assert.equal(remote.dims, local.dims);
    const got = await vectors(remote);
    const want = await local.embed(TEXTS);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-6);
  } finally {
    await server.close();
    await local.close();
  }
});
