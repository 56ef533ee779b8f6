import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { clsPool, meanPool } from '../../../core/embedding/pooling.js';
import { openOnnxFolder } from '../../../operators/embedders/onnx-folder.js';
import { writeTinyTransformer, type TinyTransformer } from '../../support/tiny-transformer.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'semclust-onnx-folder-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Unit vector of a row-major [seq, hidden] matrix pooled in plain JS: mean of rows, or one row. */
function reference(model: TinyTransformer, tokens: string[], pooling: 'mean' | 'cls' | 'max'): number[] {
  const h = model.forward(model.idsOf(tokens));
  const d = model.hidden;
  const seq = h.length / d;
  const v: number[] = [];
  for (let j = 0; j < d; j++) {
    const column = Array.from({ length: seq }, (_, t) => h[t * d + j]);
    v.push(pooling === 'cls' ? column[0] : pooling === 'max' ? Math.max(...column) : column.reduce((a, b) => a + b) / seq);
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}: [${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

function row(values: Float32Array, i: number, dims: number): Float32Array {
  return values.subarray(i * dims, (i + 1) * dims);
}

describe('pooling', () => {
  test('mean and cls pooling honour the attention mask, including left padding and empty rows', () => {
    // batch 3, seq 3, hidden 2; row 0 right-padded, row 1 left-padded, row 2 fully masked.
    const hidden = Float32Array.from([1, 2, 3, 4, 50, 60, 70, 80, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9]);
    const mask = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0]);
    assert.deepEqual(Array.from(meanPool(hidden, mask, 3, 3, 2)), [2, 3, 6, 7, 0, 0]);
    assert.deepEqual(Array.from(clsPool(hidden, mask, 3, 3, 2)), [1, 2, 5, 6, 0, 0]);
    assert.throws(() => meanPool(hidden, mask, 3, 2, 2), /expected 3×2×2/);
  });
});

describe('ONNX folder embedder (WordPiece, token_type_ids declared)', () => {
  let bert: TinyTransformer;
  before(async () => {
    bert = await writeTinyTransformer(path.join(root, 'mini-bert'), { seed: 7, tokenizer: 'wordpiece', pooling: 'mean', sbertMaxSeqLength: 8 });
  });

  test('mean pooling from 1_Pooling/config.json matches a plain-JS forward pass', async () => {
    const e = await openOnnxFolder(bert.dir);
    try {
      assert.equal(e.model, 'mini-bert');
      assert.equal(e.dims, bert.hidden);
      const v = await e.embed(['Hello, World!', 'my card is lost']);
      assertClose(row(v, 0, e.dims), reference(bert, ['[CLS]', 'hello', ',', 'world', '!', '[SEP]'], 'mean'), 1e-5, 'text 0');
      assertClose(row(v, 1, e.dims), reference(bert, ['[CLS]', 'my', 'card', 'is', 'lost', '[SEP]'], 'mean'), 1e-5, 'text 1');
    } finally {
      await e.close();
    }
  });

  test('pooling: cls overrides the folder and takes the [CLS] position', async () => {
    const e = await openOnnxFolder(bert.dir, { pooling: 'cls' });
    try {
      const v = await e.embed(['how do i pay']);
      assertClose(v, reference(bert, ['[CLS]', 'how', 'do', 'i', 'pay', '[SEP]'], 'cls'), 1e-5, 'cls');
    } finally {
      await e.close();
    }
  });

  test('padding in a mixed-length batch does not change any text vector', async () => {
    const e = await openOnnxFolder(bert.dir);
    try {
      const texts = ['why', 'the bank account was charged twice', 'hello world', '', 'transfer money to a friend', 'lost'];
      const batch = await e.embed(texts);
      for (let i = 0; i < texts.length; i++) {
        assertClose(row(batch, i, e.dims), await e.embed([texts[i]]), 1e-5, `text ${i} (${texts[i]})`);
      }
    } finally {
      await e.close();
    }
  });

  test('texts are truncated at sentence_bert_config max_seq_length, keeping [SEP]; maxLength overrides it', async () => {
    const words = 'my card is lost how do i transfer money to a friend'.split(' ');
    const e = await openOnnxFolder(bert.dir);
    const short = await openOnnxFolder(bert.dir, { maxLength: 5 });
    try {
      assertClose(await e.embed([words.join(' ')]), reference(bert, ['[CLS]', ...words.slice(0, 6), '[SEP]'], 'mean'), 1e-5, 'max_seq_length 8');
      assertClose(await short.embed([words.join(' ')]), reference(bert, ['[CLS]', ...words.slice(0, 3), '[SEP]'], 'mean'), 1e-5, 'maxLength 5');
    } finally {
      await e.close();
      await short.close();
    }
    await assert.rejects(openOnnxFolder(bert.dir, { maxLength: 65 }), /exceeds the 64 positions/);
  });
});

test('a graph without token_type_ids (RoBERTa/DistilBERT-style) runs; a rank-3 output under another name is found', async () => {
  // The WordPiece models above declare token_type_ids, which onnxruntime refuses to run without,
  // and their references include the type-0 embedding. pooler_output comes first here, as in
  // transformers' BERT exports: the backend must skip it.
  const model = await writeTinyTransformer(path.join(root, 'no-types'), {
    seed: 11,
    tokenizer: 'wordpiece',
    tokenTypes: false,
    layout: 'root',
    hiddenOutput: 'hidden_states',
    extraOutput: 'pooler_output',
    pooling: null,
    sbertMaxSeqLength: 16,
  });
  const e = await openOnnxFolder(model.dir);
  try {
    const v = await e.embed(['the bank', 'hello']);
    assertClose(row(v, 0, e.dims), reference(model, ['[CLS]', 'the', 'bank', '[SEP]'], 'mean'), 1e-5, 'text 0');
    assertClose(row(v, 1, e.dims), reference(model, ['[CLS]', 'hello', '[SEP]'], 'mean'), 1e-5, 'text 1');
  } finally {
    await e.close();
  }
});

test('a graph that outputs sentence_embedding is used as is, unless a pooling is asked for', async () => {
  const model = await writeTinyTransformer(path.join(root, 'pooled'), {
    seed: 13,
    tokenizer: 'wordpiece',
    extraOutput: 'sentence_embedding',
    pooling: 'cls',
    sbertMaxSeqLength: 16,
  });
  const tokens = ['[CLS]', 'pay', 'my', 'friend', '[SEP]'];
  const own = await openOnnxFolder(model.dir);
  const cls = await openOnnxFolder(model.dir, { pooling: 'cls' });
  try {
    assertClose(await own.embed(['pay my friend']), reference(model, tokens, 'max'), 1e-5, 'sentence_embedding');
    assertClose(await cls.embed(['pay my friend']), reference(model, tokens, 'cls'), 1e-5, 'cls override');
  } finally {
    await own.close();
    await cls.close();
  }
});

test('byte-level BPE (RoBERTa): <s> … </s> wrapping, CLS pooling at <s>, max length from max_position_embeddings - 2', async () => {
  // maxPositions 10 with model_type roberta leaves 8 tokens: <s>, six words, </s>.
  const model = await writeTinyTransformer(path.join(root, 'mini-roberta'), { seed: 17, tokenizer: 'bpe', pooling: 'cls', maxPositions: 10 });
  const e = await openOnnxFolder(model.dir);
  try {
    const short = await e.embed(['hello world']);
    const long = await e.embed(['hello world is lost bank money card']);
    assertClose(short, reference(model, ['<s>', 'hello', 'Ġworld', '</s>'], 'cls'), 1e-5, 'hello world');
    assertClose(long, reference(model, ['<s>', 'hello', 'Ġworld', 'Ġis', 'Ġlost', 'Ġbank', 'Ġmoney', '</s>'], 'cls'), 1e-5, 'truncated');
    const batch = await e.embed(['hello world', 'my card', 'hello world is lost bank money card']);
    assertClose(row(batch, 0, e.dims), short, 1e-5, 'batched short');
    assertClose(row(batch, 2, e.dims), long, 1e-5, 'batched long');
  } finally {
    await e.close();
  }
});

describe('errors name the folder, the missing file and what to do', () => {
  test('missing folder, model file, tokenizer.json', async () => {
    const missing = path.join(root, 'nowhere');
    await assert.rejects(openOnnxFolder(missing), (err: Error) => err.message.includes(missing) && /does not exist/.test(err.message));
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    await assert.rejects(
      openOnnxFolder(empty),
      (err: Error) => err.message.includes(empty) && err.message.includes('onnx/model.onnx') && err.message.includes('optimum-cli'),
    );
    const model = await writeTinyTransformer(path.join(root, 'no-tokenizer'), { seed: 1, tokenizer: 'wordpiece' });
    await rm(path.join(model.dir, 'tokenizer.json'));
    await assert.rejects(
      openOnnxFolder(model.dir),
      (err: Error) => err.message.includes(model.dir) && err.message.includes('tokenizer.json') && err.message.includes('save_pretrained'),
    );
  });

  test('unsupported pooling modes and post-pooling modules are refused rather than silently skipped', async () => {
    const model = await writeTinyTransformer(path.join(root, 'max-pooling'), { seed: 3, tokenizer: 'wordpiece', pooling: 'max' });
    await assert.rejects(openOnnxFolder(model.dir), /pooling_mode_max_tokens.*set pooling/);
    const e = await openOnnxFolder(model.dir, { pooling: 'mean' });
    await e.close();
    await writeFile(
      path.join(model.dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Dense', type: 'sentence_transformers.models.Dense' },
      ]),
    );
    await assert.rejects(openOnnxFolder(model.dir, { pooling: 'mean' }), /models\.Dense/);
  });
});
