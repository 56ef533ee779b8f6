import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openHttpEmbedder } from '../../../operators/embedders/openai-http.js';
import { openOnnxFolder } from '../../../operators/embedders/onnx-folder.js';
import { openStaticFolder, staticLayout } from '../../../operators/embedders/static-folder.js';
import { startEmbeddingServer } from '../../../operators/http/embedding-server.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { writeTinyTransformer } from '../../support/tiny-transformer.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'semclust-model-errors-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a SimCSE folder without a pooling config asks for --pooling cls instead of silently mean-pooling', async () => {
  const simcse = await writeTinyTransformer(path.join(root, 'sup-simcse-tiny'), { seed: 3, tokenizer: 'bpe', pooling: null });
  await assert.rejects(openOnnxFolder(simcse.dir), /sup-simcse-tiny looks like a SimCSE model.*pass --pooling cls/);
  const e = await openOnnxFolder(simcse.dir, { pooling: 'cls' });
  await e.close();
});

test('serve reports the model it really serves and refuses another model name with an OpenAI-style 404 model_not_found', async () => {
  const model = await writeStaticModel(path.join(root, 'potion-serve'), { seed: 9, layout: 'model2vec' });
  const embedder: Embedder = await openStaticFolder(model.dir, (await staticLayout(model.dir))!, { name: 'minishlab/potion-serve' });
  const server = await startEmbeddingServer(embedder, { modelAliases: ['potion'] });
  try {
    const models = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(models.data.map((m) => m.id), ['minishlab/potion-serve']);

    const post = (body: object) => fetch(`${server.url}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrong = await post({ model: 'text-embedding-3-small', input: 'hello world' });
    assert.equal(wrong.status, 404);
    const err = ((await wrong.json()) as { error: { code: string; param: string; type: string; message: string } }).error;
    assert.equal(err.code, 'model_not_found');
    assert.equal(err.param, 'model');
    assert.equal(err.type, 'invalid_request_error');
    assert.match(err.message, /"text-embedding-3-small" does not exist on this server: it serves "minishlab\/potion-serve"/);

    for (const body of [{ model: 'minishlab/potion-serve', input: 'hello world' }, { model: 'potion', input: 'hello world' }, { input: 'hello world' }]) {
      const ok = await post(body);
      assert.equal(ok.status, 200, JSON.stringify(body));
      const json = (await ok.json()) as { model: string; data: { embedding: number[] }[] };
      assert.equal(json.model, 'minishlab/potion-serve');
      const expected = model.reference(['hello', 'world']);
      json.data[0].embedding.forEach((x, j) => assert.ok(Math.abs(x - expected[j]) < 1e-6));
    }

    const client = await openHttpEmbedder({ endpoint: server.url, model: 'all-MiniLM-L6-v2', dims: embedder.dims, retryBaseMs: 1 });
    await assert.rejects(client.embed(['hello']), /not retried.*HTTP 404.*model_not_found/);
    await client.close();
  } finally {
    await server.close();
    await embedder.close();
  }
});
