import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStaticFolder, staticLayout } from '../../../operators/embedders/static-folder.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { writeSafetensors } from '../../support/safetensors.js';
import { writeTinyTransformer } from '../../support/tiny-transformer.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'semclust-static-folder-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}: [${i}] ${actual[i]} vs ${expected[i]}`);
}

const TEXTS = ['Hello, World!', 'my card is lost', 'hello zzz', 'zzz qqq', ''];
const TOKENS = [['hello', ',', 'world', '!'], ['my', 'card', 'is', 'lost'], ['hello', '[UNK]'], ['[UNK]', '[UNK]'], []];

async function embedAll(dir: string, maxLength?: number): Promise<{ dims: number; rows: Float32Array[]; model: string }> {
  const layout = await staticLayout(dir);
  assert.ok(layout, `${dir} is recognised as a static model`);
  const e = await openStaticFolder(dir, layout, { maxLength });
  try {
    const v = await e.embed(TEXTS);
    return { dims: e.dims, model: e.model, rows: TEXTS.map((_, i) => v.slice(i * e.dims, (i + 1) * e.dims)) };
  } finally {
    await e.close();
  }
}

test('a Model2Vec folder embeds as Model2Vec does: mean of token vectors without [UNK], normalised; no known token gives the fixed unit vector', async () => {
  const model = await writeStaticModel(path.join(root, 'potion-tiny'), { seed: 3, layout: 'model2vec' });
  assert.equal((await staticLayout(model.dir))?.kind, 'model2vec');
  const { dims, rows, model: name } = await embedAll(model.dir);
  assert.equal(dims, 8);
  assert.equal(name, 'potion-tiny');
  TOKENS.forEach((tokens, i) => assertClose(rows[i], model.reference(tokens), 1e-6, JSON.stringify(TEXTS[i])));
  // Dropping [UNK] makes "hello zzz" the vector of "hello" alone.
  assertClose(rows[2], model.reference(['hello']), 1e-6, 'unk dropped');
  assertClose(rows[3], new Float32Array(8).fill(1 / Math.sqrt(8)), 1e-7, 'fallback');
});

test('a vocabulary-quantised Model2Vec table in F16 (mapping + weights) folds into the same vectors', async () => {
  const model = await writeStaticModel(path.join(root, 'potion-quantised'), { seed: 4, layout: 'model2vec', dtype: 'F16', quantisedRows: 5, dims: 6 });
  const { rows } = await embedAll(model.dir);
  TOKENS.forEach((tokens, i) => assertClose(rows[i], model.reference(tokens), 1e-6, JSON.stringify(TEXTS[i])));
});

test('a sentence-transformers StaticEmbedding folder (0_StaticEmbedding/, embedding.weight) keeps [UNK] in the mean, as StaticEmbedding does', async () => {
  const model = await writeStaticModel(path.join(root, 'static-retrieval'), { seed: 5, layout: 'sentence-transformers' });
  assert.deepEqual(await staticLayout(model.dir), { kind: 'sentence-transformers', moduleDir: path.join(model.dir, '0_StaticEmbedding') });
  const { rows } = await embedAll(model.dir);
  TOKENS.forEach((tokens, i) => assertClose(rows[i], model.reference(tokens), 1e-6, JSON.stringify(TEXTS[i])));
  assert.ok(Math.abs(rows[2][0] - model.reference(['hello'])[0]) > 1e-4, '[UNK] counts');
});

test('max_length truncates the token ids', async () => {
  const model = await writeStaticModel(path.join(root, 'potion-trunc'), { seed: 6, layout: 'model2vec' });
  const { rows } = await embedAll(model.dir, 2);
  assertClose(rows[1], model.reference(['my', 'card']), 1e-6, 'first two tokens');
});

test('a transformer folder is not taken for a static model; a table that does not match its tokenizer is refused with both sizes', async () => {
  const bert = await writeTinyTransformer(path.join(root, 'bert'), { seed: 1, tokenizer: 'wordpiece' });
  assert.equal(await staticLayout(bert.dir), null);

  const model = await writeStaticModel(path.join(root, 'mismatch'), { seed: 7, layout: 'model2vec' });
  const tokenizerFile = path.join(model.dir, 'tokenizer.json');
  const json = JSON.parse(await readFile(tokenizerFile, 'utf8'));
  json.model.vocab.extra = Object.keys(json.model.vocab).length;
  await writeFile(tokenizerFile, JSON.stringify(json));
  const layout = (await staticLayout(model.dir))!;
  await assert.rejects(openStaticFolder(model.dir, layout), /table has 33 rows but the tokenizer has 34 tokens/);

  const broken = await writeStaticModel(path.join(root, 'truncated'), { seed: 8, layout: 'model2vec' });
  const weights = path.join(broken.dir, 'model.safetensors');
  const bytes = await readFile(weights);
  await writeFile(weights, bytes.subarray(0, bytes.length - 10));
  await assert.rejects(openStaticFolder(broken.dir, (await staticLayout(broken.dir))!), /embeddings lies outside the file .*truncated/);
});

test('a table holding NaN or infinite weights is refused naming the file, the tensor and the first bad row, before anything is embedded (issue 18 item 4)', async () => {
  const model = await writeStaticModel(path.join(root, 'nan'), { seed: 9, layout: 'model2vec', dims: 4 });
  const file = path.join(model.dir, 'model.safetensors');
  const tokens = Object.keys(JSON.parse(await readFile(path.join(model.dir, 'tokenizer.json'), 'utf8')).model.vocab).length;
  const table = Float32Array.from({ length: tokens * 4 }, (_, i) => (i % 5) / 5 - 0.3);
  table[7 * 4 + 2] = NaN;
  table[9 * 4] = Infinity;
  await writeSafetensors(file, { embeddings: { dtype: 'F32', shape: [tokens, 4], data: table } });
  await assert.rejects(openStaticFolder(model.dir, (await staticLayout(model.dir))!), (e: Error) => {
    assert.match(e.message, /model\.safetensors: tensor embeddings has 2 rows holding NaN or infinite values \(the first is row 7\)/);
    assert.ok(e.message.includes(file), e.message);
    return true;
  });
});

test('a WordLevel tokenizer.json embeds (a word outside the vocabulary is its unk_token, as in the Rust library); one without unk_token, or another model type, is refused naming the file and the type (issue 18 item 5)', async () => {
  const model = await writeStaticModel(path.join(root, 'wordlevel'), { seed: 10, layout: 'model2vec' });
  const tokenizerFile = path.join(model.dir, 'tokenizer.json');
  const json = JSON.parse(await readFile(tokenizerFile, 'utf8'));
  const vocab = json.model.vocab;
  const open = async (model: object) => {
    await writeFile(tokenizerFile, JSON.stringify({ ...json, model }));
    return openStaticFolder(path.dirname(tokenizerFile), (await staticLayout(path.dirname(tokenizerFile)))!);
  };
  const e = await open({ type: 'WordLevel', vocab, unk_token: '[UNK]' });
  try {
    // Model2Vec drops the unknown token before averaging: "hello zzz" embeds as "hello".
    const v = await e.embed(['hello zzz', 'hello']);
    assert.deepEqual(v.slice(0, e.dims), v.slice(e.dims));
    assert.ok(v.every(Number.isFinite));
  } finally {
    await e.close();
  }
  await assert.rejects(open({ type: 'WordLevel', vocab }), (err: Error) => {
    assert.ok(err.message.startsWith(`${tokenizerFile}: a WordLevel tokenizer needs an unk_token`), err.message);
    return true;
  });
  await assert.rejects(open({ type: 'Fancy', vocab }), (err: Error) => {
    assert.ok(err.message.includes(tokenizerFile) && /tokenizer model type Fancy is not supported/.test(err.message), err.message);
    return true;
  });
});
