import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { loadTokenCounts, loadTokenizer } from '../../../operators/sample/token-counts.js';
import { writeEmbeddingsPart, writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { wordPieceTokenizer } from '../../support/tiny-transformer.js';
import { tempDir } from '../../support/paths.js';

const TEXTS = ['hello world', '  my card   is lost ', 'paying twice!', 'héllo wörld', 'x'];

function run() {
  const out = tempDir('token-counts');
  const ids = TEXTS.map((_, i) => `id${i}`);
  writeRowsPart(out, 0, [...TEXTS.map((text, i) => ({ id: ids[i], text, line: i + 1 })), { id: 'id0', text: TEXTS[0], line: 9 }]);
  writeEmbeddingsPart(out, 0, ids, new Float32Array(ids.length * 2), 2);
  writeLabelsPart(out, 0, ids, [0, 0, 1, 1, -1]);
  return out;
}

const counts = (out: string, counter: string) =>
  withRunDatabase(out, async (conn) => {
    await loadTokenCounts(conn, counter);
    return Object.fromEntries((await conn.runAndReadAll('SELECT id, tokens FROM token_counts ORDER BY id')).getRowsJS().map(([id, t]) => [id, Number(t)]));
  });

test('loadTokenCounts: words are runs of non-space characters, chars are code points, one count per id', async () => {
  const out = run();
  assert.deepEqual(await counts(out, 'words'), { id0: 2, id1: 4, id2: 2, id3: 2, id4: 1 });
  assert.deepEqual(await counts(out, 'chars'), { id0: 11, id1: 20, id2: 13, id3: 11, id4: 1 });
});

test('loadTokenCounts tokenizer:PATH counts a tokenizer.json\'s ids without special tokens, from the file or its folder', async () => {
  const out = run();
  const dir = tempDir('tokenizer');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer().json));
  // WordPiece over hello, world, my, card, is, lost, pay, ##ing, twice, !, [UNK]: "paying" is pay + ##ing,
  // "héllo" and "wörld" are one [UNK] each (no accent stripping), "x" one [UNK].
  const want = { id0: 2, id1: 4, id2: 4, id3: 2, id4: 1 };
  assert.deepEqual(await counts(out, `tokenizer:${dir}`), want);
  assert.deepEqual(await counts(out, `tokenizer:${path.join(dir, 'tokenizer.json')}`), want);
  await assert.rejects(loadTokenizer(`tokenizer:${path.join(dir, 'none')}`), /none does not exist; give the tokenizer.json of the model whose tokens you count, or its folder/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"model": 3}');
  await assert.rejects(loadTokenizer(`tokenizer:${path.join(dir, 'bad.json')}`), /bad.json could not be loaded as a tokenizer.json/);
});
