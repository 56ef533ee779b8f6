import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { lshCandidates } from '../../../core/dedup/lsh-match.js';
import { estimatedJaccard, minhashFamily, minhashSignature } from '../../../core/dedup/minhash.js';
import { normalizeText } from '../../../core/dedup/normalize-text.js';
import { shingleHashes } from '../../../core/dedup/shingles.js';
import { AGAINST_EXACT, AGAINST_FUZZY, fuzzyBanding, lexicalDedup, type FuzzyOptions, type LexicalReference } from '../../../operators/dedup/lexical-dedup.js';
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

test('lexicalDedup against a reference: exact and fuzzy matches name the reference row; the input methods then skip them', async () => {
  const { out } = run();
  const reference = {
    exact: true,
    batches: async function* () {
      // Row 1's text (exact of row 1, and row 5 is its fuzzy copy) and row 4's text with its case and punctuation changed (fuzzy); nothing near row 0's group.
      yield { ids: ['ref-a', 'id-1'], texts: ['a text unlike any row of the input at all', 'what is the exchange rate for euros to dollars this week'], where: ['eval.jsonl:1', 'eval.jsonl:2'] };
      yield { ids: ['ref-c'], texts: ['Why was my card payment declined at the shop yesterday?'], where: ['eval.jsonl:3'] };
    },
  };
  const r = await withRunDatabase(out, (conn) => lexicalDedup(conn, FUZZY, undefined, reference));
  const a = r.against!;
  assert.deepEqual(a.ids, ['ref-a', 'id-1', 'ref-c']);
  assert.deepEqual(a.where, ['eval.jsonl:1', 'eval.jsonl:2', 'eval.jsonl:3']);
  // Distinct index → row: 0→0, 1→1, 2→2, 3→4, 4→5, 5→6, 6→7, 7→8
  assert.deepEqual([...a.how], [0, AGAINST_EXACT, 0, AGAINST_FUZZY, AGAINST_FUZZY, 0, 0, 0]);
  assert.deepEqual([...a.match], [-1, 1, -1, 2, 1, -1, -1, -1]);
  // Both normalise to the reference text (case, punctuation and articles go): Jaccard 1, and exact plays no part.
  assert.deepEqual([a.jaccard[3], a.jaccard[4]], [1, 1]);
  assert.ok(Number.isNaN(a.jaccard[1]));
  // Rows 1, 4 and 5 are not compared within the input (no candidate, none matches them); row 0's group is as without a reference.
  const f = r.fuzzy!;
  assert.deepEqual([...f.kept], [1, 1, 0, 1, 1, 0, 1, 1]);
  assert.deepEqual([f.match[1], f.match[3], f.match[4]], [-1, -1, -1]);
  assert.deepEqual([...f.group], [0, 1, 0, 3, 4, 0, 6, 7]);
});

test('fuzzy decides by exact Jaccard: a pair LSH finds with its estimate under the threshold is a duplicate when the exact value passes', async () => {
  // Eleven words, one replaced by another: Jaccard 10/12 = 0.833 over word 1-grams, above 0.8.
  const texts = ['please tell me why my transfer to savings failed twice today', 'please tell me why my transfer to checking failed twice today'];
  const sets = texts.map((t) => shingleHashes(normalizeText(t), 'word', 1));
  const banding = fuzzyBanding(FUZZY);
  // The first seed whose 128-permutation estimate falls under 0.8 while LSH still pairs the rows.
  let seed = 1;
  for (; seed < 2000; seed++) {
    const family = minhashFamily(FUZZY.permutations, seed);
    const sigs = new Uint32Array(2 * FUZZY.permutations);
    sets.forEach((s, i) => minhashSignature(s, family, sigs, i * FUZZY.permutations));
    if (estimatedJaccard(sigs, FUZZY.permutations, 1, 0) < FUZZY.threshold && lshCandidates(sigs, 2, FUZZY.permutations, banding).row.length === 1) break;
  }
  assert.ok(seed < 2000, 'no seed separates the estimate from the exact value');
  const out = tempDir('lexical-dedup-exact');
  writeRowsPart(out, 0, texts.map((text, i) => ({ id: `id-${i}`, text, line: i + 1 })));
  const f = (await withRunDatabase(out, (conn) => lexicalDedup(conn, { ...FUZZY, seed }))).fuzzy!;
  assert.deepEqual([...f.match], [-1, 0]);
  assert.equal(f.jaccard[1], Math.fround(10 / 12));
  assert.deepEqual([...f.kept], [1, 0]);
});

test('against a reference, fuzzy matches at --against-fuzzy-threshold, not at the threshold within the input', async () => {
  // One word replaced in eight: Jaccard 7/9 = 0.78 to the reference row, and the same pair within the input.
  const original = 'my card payment was declined at the shop yesterday';
  const copy = 'my card payment was declined at the shop today';
  const out = tempDir('lexical-dedup-against-threshold');
  writeRowsPart(out, 0, [original, copy].map((text, i) => ({ id: `id-${i}`, text, line: i + 1 })));
  const reference = (): LexicalReference => ({
    exact: false,
    batches: async function* () {
      yield { ids: ['ref-0'], texts: [original], where: ['eval.jsonl:1'] };
    },
  });
  const loose = await withRunDatabase(out, (conn) => lexicalDedup(conn, { ...FUZZY, againstThreshold: 0.7 }, undefined, reference()));
  assert.deepEqual([...loose.against!.how], [AGAINST_FUZZY, AGAINST_FUZZY]);
  assert.deepEqual([loose.against!.jaccard[0], loose.against!.jaccard[1]], [1, Math.fround(7 / 9)]);
  const strict = await withRunDatabase(out, (conn) => lexicalDedup(conn, FUZZY, undefined, reference()));
  assert.deepEqual([...strict.against!.how], [AGAINST_FUZZY, 0]);
  // Within the input (no reference) the same pair stays apart: the against threshold is only the reference's.
  const within = await withRunDatabase(out, (conn) => lexicalDedup(conn, { ...FUZZY, againstThreshold: 0.7 }));
  assert.deepEqual([...within.fuzzy!.kept], [1, 1]);
  assert.equal(within.fuzzy!.jaccard[1], Math.fround(7 / 9));
});
