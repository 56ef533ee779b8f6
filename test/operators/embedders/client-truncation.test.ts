/**
 * `--truncate client`: texts cut to --max-length tokens of a real-layout tokenizer.json
 * (the WordPiece one the tiny transformer uses: one token a known word, [CLS] and [SEP]
 * around) before they reach a TEI stand-in that refuses any input over its limit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openTokenCut } from '../../../operators/embedders/client-truncation.js';
import { openEmbedder } from '../../../operators/embedders/open-embedder.js';
import { Settings } from '../../../schemas/config.js';
import { startServedModel, type ServedModel } from '../../support/served-models.js';
import { tempDir } from '../../support/paths.js';
import { wordPieceTokenizer } from '../../support/tiny-transformer.js';

const dir = tempDir('tokenizer');
let tei: ServedModel;

before(async () => {
  const t = wordPieceTokenizer();
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(t.json));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(t.config));
  tei = await startServedModel({ kind: 'tei', maxTokens: 8 });
});
after(() => tei.close());

test('a text over the limit becomes its longest prefix that fits, special tokens counted, its own letters kept; a shorter one is sent as it is', async () => {
  const cut = await openTokenCut(dir, 6);
  assert.equal(cut('my card is lost'), 'my card is lost');
  // [CLS] hello world my card [SEP] is 6 tokens; decoding those ids would lower-case the text.
  const kept = cut('Hello World my card is lost, how do I transfer money');
  assert.equal(kept.trimEnd(), 'Hello World my card');
  assert.equal(cut(kept), kept);
});

test('--truncate client against TEI at its limit: every row embedded, the long ones counted as truncated, none refused, none over the limit sent', async () => {
  const long = 'my card is lost how do i transfer money to a friend';
  const texts = ['hello world', long, 'the bank account was charged twice', `${long} why`];
  const s = Settings.parse({ embedding_endpoint: tei.url, embedding_model: 'served-model', server_kind: 'tei', truncate: 'client', tokenizer: dir, max_length: 8 });
  const embedder = await openEmbedder(s);
  const vectors = await embedder.embed(texts);
  assert.equal(vectors.length, texts.length * embedder.dims);
  const usage = embedder.usage!();
  assert.equal(usage.truncated, 2);
  assert.equal(usage.too_long, 0);
  assert.equal(tei.refused.size, 0);
  const sent = tei.received.flatMap((r) => (r.body.input ?? r.body.inputs) as string[] | string);
  assert.ok(sent.includes('my card is lost how do '), JSON.stringify(sent));
  for (const t of sent) assert.ok(t.split(/\s+/).filter(Boolean).length <= 6, t);
  await embedder.close();
});

test('--truncate client without --tokenizer or --max-length names both flags before any request', async () => {
  const requests = tei.requests;
  const s = Settings.parse({ embedding_endpoint: tei.url, truncate: 'client', max_length: 8 });
  await assert.rejects(openEmbedder(s), /--truncate client .* needs --tokenizer .* and --max-length/);
  assert.equal(tei.requests, requests);
});
