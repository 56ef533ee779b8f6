/**
 * Issue 18 item 4, for every local backend: an ONNX model that gives a NaN vector (its word
 * row for "card" is NaN, as in a damaged download) stops `semclust embed` naming the model
 * and the row, and no embeddings part of that batch is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { listParts } from '../../operators/parquet/parquet.js';
import { EMBEDDINGS } from '../../schemas/tables.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { writeTinyTransformer } from '../support/tiny-transformer.js';

test('a local model that gives NaN vectors stops embed naming the model and the row; nothing non-finite is written', async () => {
  const dir = tempDir('embed-nan');
  const model = await writeTinyTransformer(path.join(dir, 'model'), { seed: 3, tokenizer: 'wordpiece', nanToken: 'card' });
  const input = path.join(dir, 'in.jsonl');
  const texts = ['hello world', 'my card is lost', 'is the world lost', 'hello there'];
  fs.writeFileSync(input, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  const out = path.join(dir, 'out');
  const r = await runCli(['embed', input, out, '--embedding-model', model.dir, '--quiet']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`embedding model \\S+ gave a vector holding NaN for the row at ${input.replace(/[.]/g, '\\.')}:2 \\(1 of the batch's 4 vectors are not finite\\)`));
  // The one batch held the NaN row: no part of it was written.
  const parts = fs.existsSync(path.join(out, EMBEDDINGS.path)) ? listParts(path.join(out, EMBEDDINGS.path)) : [];
  assert.deepEqual(parts, []);
});
