import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { lexicalDedup, type FuzzyOptions } from '../../../operators/dedup/lexical-dedup.js';
import { writeRowsPart, type Row } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

const FUZZY: FuzzyOptions = { unit: 'word', ngram: 1, threshold: 0.8, permutations: 128, seed: 1 };

/** Texts over two parts: an exact copy, case/punctuation edits, a dropped word, and unrelated texts. */
function run(): { out: string; rows: Row[] } {
  const out = tempDir('lexical-dedup');
  const texts = [
    'how do i change the pin on my new debit card today', // 0
    'what is the exchange rate for euros to dollars this week', // 1
    'HOW DO I CHANGE THE PIN ON MY NEW DEBIT CARD TODAY?!', // 2 fuzzy of 0 (normalised equal)
    'how do i change the pin on my new debit card today', // 3 exact of 0
    'why was my card payment declined at the shop yesterday', // 4
    'what is exchange rate for euros to dollars this week?', // 5 fuzzy of 1 (article and punctuation)
    'how do i change pin on my debit card today', // 6 one content word dropped from 0: Jaccard 9/10
    '', // 7 nothing to compare
    '?!', // 8 nothing to compare either: not a fuzzy copy of 7
  ];
  const rows = texts.map((text, i) => ({ id: text === '' ? 'empty' : `id-${texts.indexOf(text)}`, text, line: i + 1 }));
  writeRowsPart(out, 0, rows.slice(0, 5));
  writeRowsPart(out, 1, rows.slice(5));
  return { out, rows };
}

test('lexicalDedup: later rows of an id point to its first row; fuzzy copies join the group of their earliest row', async () => {
  const { out, rows } = run();
  const r = await withRunDatabase(out, (conn) => lexicalDedup(conn, FUZZY));
  assert.deepEqual(r.ids, rows.map((x) => x.id));
  assert.deepEqual([...r.lines], rows.map((x) => x.line));
  assert.deepEqual([...r.firstRow], [0, 1, 2, 0, 4, 5, 6, 7, 8]);
  assert.deepEqual([...r.distinctRows], [0, 1, 2, 4, 5, 6, 7, 8]);
  const f = r.fuzzy!;
  // Distinct index → row: 0→0, 1→1, 2→2, 3→4, 4→5, 5→6, 6→7, 7→8
  assert.deepEqual([...f.kept], [1, 1, 0, 1, 0, 0, 1, 1]);
  assert.deepEqual([...f.group], [0, 1, 0, 3, 1, 0, 6, 7]);
  assert.equal(f.jaccard[1 + 1], 1);
  assert.ok(f.jaccard[5] >= 0.8 && f.jaccard[5] < 1, `dropped word: ${f.jaccard[5]}`);
  assert.ok(Number.isNaN(f.jaccard[6]) && Number.isNaN(f.jaccard[7]), 'empty texts have no candidates');
  assert.deepEqual(f.banding, { bands: 14, rows: 9 });
});

test('lexicalDedup without fuzzy: the exact pass only, no signatures', async () => {
  const { out } = run();
  const r = await withRunDatabase(out, (conn) => lexicalDedup(conn, null));
  assert.equal(r.fuzzy, null);
  assert.deepEqual([...r.firstRow], [0, 1, 2, 0, 4, 5, 6, 7, 8]);
});

test('a threshold above a pair\'s Jaccard keeps both', async () => {
  const { out } = run();
  const r = await withRunDatabase(out, (conn) => lexicalDedup(conn, { ...FUZZY, threshold: 0.95 }));
  assert.deepEqual([...r.fuzzy!.kept], [1, 1, 0, 1, 0, 1, 1, 1]);
});
