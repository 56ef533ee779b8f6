import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { minhashFamily } from '../../../core/dedup/minhash.js';
import { lexicalDedup, type FuzzyOptions } from '../../../operators/dedup/lexical-dedup.js';
import { signRowsPart, signText, StoredSignatures, type SignedPartFile } from '../../../operators/dedup/fuzzy-signatures.js';
import { listParts } from '../../../operators/parquet/parquet.js';
import { writeRowsPart, type Row } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

const FUZZY: FuzzyOptions = { unit: 'word', ngram: 1, threshold: 0.8, permutations: 64, seed: 3 };

/** Three parts; ids repeat within a part and across parts, and one text has no shingles. */
function run(): { out: string; rows: Row[] } {
  const out = tempDir('fuzzy-signatures');
  const texts = [
    'how do i change the pin on my new debit card today',
    'what is the exchange rate for euros to dollars this week',
    'how do i change the pin on my new debit card today',
    'HOW DO I CHANGE THE PIN ON MY NEW DEBIT CARD TODAY?!',
    '?!',
    'what is exchange rate for euros to dollars this week?',
    'what is the exchange rate for euros to dollars this week',
    'why was my card payment declined at the shop yesterday',
  ];
  const rows = texts.map((text, i) => ({ id: `id-${texts.indexOf(text)}`, text, line: i + 1 }));
  writeRowsPart(out, 0, rows.slice(0, 3));
  writeRowsPart(out, 1, rows.slice(3, 6));
  writeRowsPart(out, 2, rows.slice(6));
  return { out, rows };
}

function signAll(out: string): SignedPartFile[] {
  const family = minhashFamily(FUZZY.permutations, FUZZY.seed);
  return listParts(path.join(out, 'rows')).map((part, u) => {
    const file = path.join(out, `sig-${u}.bin`);
    return { file, ...signRowsPart(part, file, FUZZY, family) };
  });
}

test('signRowsPart: one signature per distinct id of the part, equal to signing the text; StoredSignatures hands each row its own', () => {
  const { out, rows } = run();
  const parts = signAll(out);
  assert.deepEqual(parts.map((p) => [p.rows, p.distinct]), [[3, 2], [3, 3], [2, 2]]);
  const family = minhashFamily(FUZZY.permutations, FUZZY.seed);
  const P = FUZZY.permutations;
  const stored = new StoredSignatures(parts, P);
  for (const r of rows) {
    stored.row(r.id);
    const [got, want] = [new Uint32Array(P), new Uint32Array(P)];
    assert.equal(stored.copy(got, 0), signText(r.text, FUZZY, family, want, 0), r.text);
    assert.deepEqual(got, want, r.text);
  }
  stored.finish(rows.length);
  assert.equal(signText('?!', FUZZY, family, new Uint32Array(P), 0), 0, 'no shingles: left out of comparisons');
});

test('lexicalDedup with stored signatures gives the decisions of signing the texts', async () => {
  const { out } = run();
  const parts = signAll(out);
  const [signed, stored] = await withRunDatabase(out, async (conn) => [await lexicalDedup(conn, FUZZY), await lexicalDedup(conn, FUZZY, undefined, undefined, new StoredSignatures(parts, FUZZY.permutations))]);
  assert.ok(signed.fuzzy!.kept.includes(0), 'the corpus has fuzzy copies');
  assert.deepEqual(stored, signed);
});

test('StoredSignatures: rows/ with other rows than were signed, or a damaged file, is an error naming the fix', async () => {
  const { out } = run();
  const parts = signAll(out);
  await assert.rejects(
    withRunDatabase(out, (conn) => lexicalDedup(conn, FUZZY, undefined, undefined, new StoredSignatures(parts.slice(0, 2), FUZZY.permutations))),
    /rows\/ has more rows than the dedup shards signed.*rerun the dedup shards/,
  );
  await assert.rejects(
    withRunDatabase(out, (conn) => lexicalDedup(conn, FUZZY, undefined, undefined, new StoredSignatures([...parts, parts[2]], FUZZY.permutations))),
    /rows\/ has 8 rows where the dedup shards signed 10/,
  );
  fs.truncateSync(parts[1].file, 10);
  await assert.rejects(
    withRunDatabase(out, (conn) => lexicalDedup(conn, FUZZY, undefined, undefined, new StoredSignatures(parts, FUZZY.permutations))),
    /sig-1\.bin holds 10 bytes where 3 signatures of 64 permutations take 771: damaged/,
  );
});
