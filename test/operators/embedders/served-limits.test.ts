/**
 * The HTTP embedder against stand-ins that keep the real servers' limits and error bodies
 * (test/support/served-models.ts): request size, inputs over the token limit, prompt names,
 * prefixes, dimensions and token accounting (issue 19).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../support/paths.js';
import { Settings } from '../../../schemas/config.js';
import { openEmbedder } from '../../../operators/embedders/open-embedder.js';
import { openHttpEmbedder } from '../../../operators/embedders/openai-http.js';
import { countTokens, startServedModel } from '../../support/served-models.js';

const DIMS = 16;

/** `count` short texts of 3–12 words; the ones at `long` have `words` words. */
function texts(count: number, long: readonly number[] = [], words = 600): string[] {
  return Array.from({ length: count }, (_, i) =>
    long.includes(i) ? Array.from({ length: words }, (_, w) => `w${(w * 7 + i) % 97}`).join(' ') : `row ${i} ${'about cards '.repeat(1 + (i % 5)).trim()}`,
  );
}

const cutTo = (text: string, tokens: number) => text.split(' ').slice(0, tokens).join(' ');

function rowOf(v: Float32Array, i: number): Float32Array {
  return v.subarray(i * DIMS, (i + 1) * DIMS);
}

test('TEI at its defaults (32 inputs, 512 tokens) and semclust at its own: long inputs are split out and truncated by the server; tokens equal what TEI counted', async () => {
  const tei = await startServedModel({ kind: 'tei', dims: DIMS });
  const lines: string[] = [];
  try {
    const e = await openHttpEmbedder({ endpoint: tei.url, model: 'm', log: (l) => lines.push(l) });
    const input = texts(200, [5, 77]);
    const { vectors, tooLong } = await e.embedChecked!(input);
    assert.deepEqual(tooLong, []);
    const u = e.usage!();
    assert.equal(u.server_kind, 'tei', 'learned from the 413 body');
    assert.equal(u.truncated, 2);
    assert.equal(u.request_batch_size, 32);
    assert.equal(tei.truncated, 2, 'the server cut exactly the two long inputs');
    assert.equal(u.prompt_tokens, tei.tokens, 'usage summed over every answered request, the probe included');
    assert.equal(u.total_tokens, tei.tokens);
    // The truncated rows are the vectors of their first 512 words, asked for on TEI's /embed with truncate.
    const alone = await e.embed([cutTo(input[5], 512), cutTo(input[77], 512), input[6]]);
    assert.deepEqual(rowOf(vectors, 5), rowOf(alone, 0));
    assert.deepEqual(rowOf(vectors, 77), rowOf(alone, 1));
    assert.deepEqual(rowOf(vectors, 6), rowOf(alone, 2));
    const cuts = tei.received.filter((r) => r.path === '/embed');
    assert.equal(cuts.length, 2);
    for (const c of cuts) assert.equal(c.body.truncate, true);
    assert.ok(tei.received.every((r) => (Array.isArray(r.body.input) ? r.body.input.length : 1) <= 32));
    assert.ok(lines.some((l) => /answers as tei/.test(l)), lines.join('\n'));
    await e.close();
  } finally {
    await tei.close();
  }
});

test('--truncate reject hands the long inputs back with their length and the limit; the rest are embedded', async () => {
  for (const kind of ['tei', 'vllm'] as const) {
    const server = await startServedModel({ kind, dims: DIMS, model: 'm' });
    try {
      const e = await openHttpEmbedder({ endpoint: server.url, model: 'm', truncate: 'reject', log: () => {} });
      const input = texts(100, [0, 63, 99], 700);
      const { vectors, tooLong } = await e.embedChecked!(input);
      assert.deepEqual(tooLong.map((t) => t.index), [0, 63, 99], kind);
      assert.match(tooLong[0].detail, /700 tokens, the server takes at most 512/);
      assert.equal(e.usage!().too_long, 3);
      assert.equal(server.truncated, 0, 'nothing was cut');
      const again = await e.embed([input[1]]);
      assert.deepEqual(rowOf(vectors, 1), rowOf(again, 0));
      assert.ok(rowOf(vectors, 63).every((x) => x === 0), 'a refused row stays zero');
      await assert.rejects(e.embed([input[0]]), /refused 1 input\(s\) as too long .*--truncate server/);
      await e.close();
    } finally {
      await server.close();
    }
  }
});

test('vLLM: a 400 BadRequestError for context length is answered by truncate_prompt_tokens at the limit it named', async () => {
  const vllm = await startServedModel({ kind: 'vllm', dims: DIMS, model: 'm', maxTokens: 256 });
  try {
    const e = await openHttpEmbedder({ endpoint: vllm.url, model: 'm', log: () => {} });
    const input = texts(40, [17], 300);
    const { tooLong } = await e.embedChecked!(input);
    assert.deepEqual(tooLong, []);
    const u = e.usage!();
    assert.equal(u.server_kind, 'vllm');
    assert.equal(u.truncated, 1);
    const cut = vllm.received.filter((r) => r.body.truncate_prompt_tokens !== undefined);
    assert.deepEqual(cut.map((r) => [r.body.truncate_prompt_tokens, r.body.input]), [[256, [input[17]]]]);
    assert.equal(u.prompt_tokens, vllm.tokens);
    assert.equal(vllm.refused.get(400)! > 0, true);
    await e.close();
  } finally {
    await vllm.close();
  }
});

test('a server that takes 8 inputs a request: the request size drops to 8 for the rest of the run and is said once', async () => {
  for (const kind of ['tei', 'infinity'] as const) {
    const server = await startServedModel({ kind, dims: DIMS, maxBatch: 8 });
    const lines: string[] = [];
    try {
      const e = await openHttpEmbedder({ endpoint: server.url, model: 'm', maxConcurrency: 4, log: (l) => lines.push(l) });
      const input = texts(300);
      const first = await e.embed(input);
      await e.embed(texts(50));
      assert.equal(e.usage!().request_batch_size, 8);
      assert.deepEqual(lines.filter((l) => /inputs a request/.test(l)), ['server takes at most 8 inputs a request; using 8 (--request-batch-size 8 says so at the start)'], kind);
      const alone = await e.embed([input[299]]);
      assert.deepEqual(rowOf(first, 299), rowOf(alone, 0));
      const sizes = server.received.map((r) => (r.body.input as string[]).length);
      assert.ok(sizes.slice(-10).every((n) => n <= 8), `${kind}: later requests hold at most 8 inputs`);
      await e.close();
    } finally {
      await server.close();
    }
  }
});

test('prompt_name goes to TEI /embed, dimensions to every body, the prefix before every text; the server reads them as it expects', async () => {
  const tei = await startServedModel({ kind: 'tei', dims: DIMS, prompts: { clustering: 'Identify the topic: ' } });
  const vllm = await startServedModel({ kind: 'vllm', dims: DIMS, model: 'm' });
  try {
    const e = await openEmbedder(Settings.parse({ embedding_endpoint: tei.url, embedding_model: 'm', server_kind: 'tei', prompt_name: 'clustering', dimensions: 8, embedding_prefix: 'query: ' }));
    assert.equal(e.dims, 8);
    const v = await e.embed(['a b c', 'd e']);
    assert.equal(v.length, 16);
    const last = tei.received.at(-1)!;
    assert.equal(last.path, '/embed');
    assert.deepEqual(last.body, { inputs: ['query: a b c', 'query: d e'], normalize: false, prompt_name: 'clustering', dimensions: 8 });
    assert.equal(e.usage!().prompt_tokens, tei.tokens, 'x-compute-tokens read on the /embed route');
    assert.equal(tei.tokens, countTokens('Identify the topic: query: a b c') + countTokens('Identify the topic: query: d e'));
    await e.close();

    const f = await openEmbedder(Settings.parse({ embedding_endpoint: vllm.url, embedding_model: 'm', dimensions: 4, embedding_prefix: 'clustering: ' }));
    await f.embed(['x']);
    const body = vllm.received.at(-1)!.body;
    assert.deepEqual([body.input, body.dimensions, body.encoding_format], [['clustering: x'], 4, 'base64']);
    await f.close();
  } finally {
    await tei.close();
    await vllm.close();
  }
});

test('--dimensions is checked on every vector; --prompt-name needs a server that defines prompts', async () => {
  const tei = await startServedModel({ kind: 'tei', dims: DIMS });
  try {
    const e = await openHttpEmbedder({ endpoint: tei.url, model: 'm', dimensions: 64, log: () => {} });
    await assert.rejects(e.embed(['a']), /returned 16-d vectors, expected 64 \(--dimensions 64: does the server and model take "dimensions"\?\)/);
    await e.close();
    await assert.rejects(openHttpEmbedder({ endpoint: tei.url, model: 'm', promptName: 'query' }), /--prompt-name "query" is sent on TEI's \/embed route only: add --server-kind tei/);
    const unknown = await openHttpEmbedder({ endpoint: tei.url, model: 'm', serverKind: 'tei', promptName: 'nope', dims: DIMS, log: () => {} });
    await assert.rejects(unknown.embed(['a']), /HTTP 413 .*Prompt name `nope` not found/);
    await unknown.close();
  } finally {
    await tei.close();
  }
});

test('a server that cannot be asked to truncate (OpenAI): the long input is handed back even under --truncate server, said once', async () => {
  // Ollama and Infinity cut by themselves; OpenAI answers 400 invalid_request_error. A vLLM stand-in
  // declared as openai plays it: the client must not send vLLM's field to a server it believes is OpenAI.
  const vllm = await startServedModel({ kind: 'vllm', dims: DIMS, model: 'm' });
  const lines: string[] = [];
  try {
    const e = await openHttpEmbedder({ endpoint: vllm.url, model: 'm', serverKind: 'openai', log: (l) => lines.push(l) });
    const { tooLong } = await e.embedChecked!(texts(20, [3, 4]));
    assert.deepEqual(tooLong.map((t) => t.index), [3, 4]);
    assert.equal(lines.filter((l) => /cannot be asked to truncate/.test(l)).length, 1);
    assert.ok(vllm.received.every((r) => r.body.truncate_prompt_tokens === undefined));
    await e.close();
  } finally {
    await vllm.close();
  }
});

test('--embedding-prefix reaches a local model too: the vectors of the prefixed texts', async () => {
  const plain = await openEmbedder(Settings.parse({}));
  const prefixed = await openEmbedder(Settings.parse({ embedding_prefix: 'refund ' }));
  try {
    const got = await prefixed.embed(['card declined', 'top up']);
    assert.deepEqual(got, await plain.embed(['refund card declined', 'refund top up']));
    assert.notDeepEqual(got, await plain.embed(['card declined', 'top up']));
    assert.equal(prefixed.countTokens!(['card declined']), 3, 'the served token count includes the prefix');
  } finally {
    await plain.close();
    await prefixed.close();
  }
});
