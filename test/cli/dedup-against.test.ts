import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exactJaccard } from '../../core/dedup/exact-jaccard.js';
import { normalizeText } from '../../core/dedup/normalize-text.js';
import { shingleHashes } from '../../core/dedup/shingles.js';
import { createRowIdHasher } from '../../core/text/row-id.js';
import { createRng } from '../../core/util/random.js';
import { EDITS, edit } from '../../scripts/near-copy-edits.js';
import { sotuSample } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

const REFERENCE_ROWS = 300;
const OWN_ROWS = 400;
const COPIES = 500;

/** The reference's bytes and mtime, to show dedup never wrote to it. */
function fingerprint(files: string[]): string[] {
  return files.map((f) => `${f} ${fs.statSync(f).mtimeMs} ${fs.readFileSync(f).toString('base64')}`);
}

test('dedup --against: injected near-copies of a reference set are removed against the right reference row; the reference is untouched', async () => {
  const dir = tempDir('dedup-against');
  // Passages at an even stride through SOTU: the first 300 are the reference (an "evaluation set"), the next 400 the input's own rows.
  const passages = sotuSample(REFERENCE_ROWS + OWN_ROWS).map((p) => p.text);
  const reference = passages.slice(0, REFERENCE_ROWS);
  const refFile = path.join(dir, 'eval.jsonl');
  // A last line without text: counted once, though the reference is read twice (ids and signatures, then the fuzzy confirmation).
  fs.writeFileSync(refFile, [...reference.map((text, i) => JSON.stringify({ text, ref: i })), JSON.stringify({ ref: 'no text' })].join('\n') + '\n');

  // 500 copies of reference rows with eval:dedup's edits in equal shares, shuffled in among the own rows.
  const rng = createRng(7);
  const lines = passages.slice(REFERENCE_ROWS).map((text) => JSON.stringify({ text }));
  for (let c = 0; c < COPIES; c++) {
    const of = rng.int(REFERENCE_ROWS);
    lines.push(JSON.stringify({ text: edit(reference[of], EDITS[c % EDITS.length], rng), of }));
  }
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const input = path.join(dir, 'train.jsonl');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const out = path.join(dir, 'out');
  const infer = await runCli(['infer', input, out, '--kmeans-num-clusters', '8', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);

  const before = fingerprint([refFile]);
  const keptFile = path.join(dir, 'kept.jsonl');
  const dedup = await runCli(['dedup', out, '--against', refFile, '--write-kept', keptFile, '--quiet']);
  assert.equal(dedup.code, 0, dedup.stderr);
  assert.match(dedup.stderr, /dedup: \d+ of 900 rows removed .*: against \d+ \(of 300 reference rows, 1 reference lines rejected\), exact \d+, fuzzy \d+/);
  assert.deepEqual(fingerprint([refFile]), before);

  const idOf = await createRowIdHasher();
  const rows = await queryRows(
    out,
    `SELECT json_extract(r.record, '$.of')::INT AS of, r.text, d.kept, d.reason, d.duplicate_of, d.group_id, d.reference, d.jaccard
     FROM dedup d JOIN rows r ON r.source = d.source AND r.line = d.line`,
  );
  const copies = rows.filter((r) => r.of !== null);
  assert.equal(copies.length, COPIES);
  const right = copies.filter(
    (r) =>
      !r.kept &&
      String(r.reason).startsWith('against:') &&
      r.duplicate_of === idOf(reference[r.of as number]) &&
      r.group_id === r.duplicate_of &&
      r.reference === `${refFile}:${(r.of as number) + 1}`,
  );
  const share = right.length / COPIES;
  console.log(`dedup --against: ${right.length} of ${COPIES} injected copies (${(share * 100).toFixed(1)}%) marked against the right reference row`);
  assert.ok(share >= 0.95, `${right.length} of ${COPIES}`);
  // An unedited copy (a case change of an all-lower-case text can leave it as it was) is against:exact; the rest fuzzy with
  // the exact Jaccard of the two texts' word sets, at least --against-fuzzy-threshold's default.
  const words = (text: string) => shingleHashes(normalizeText(text), 'word', 1).sort();
  for (const r of right) {
    assert.equal(r.reason === 'against:exact', r.jaccard === null, `${r.reason} with Jaccard ${r.jaccard}`);
    if (r.reason === 'against:fuzzy') assert.equal(r.jaccard, Math.fround(exactJaccard(words(String(r.text)), words(reference[r.of as number]))));
  }
  assert.ok(right.every((r) => r.jaccard === null || Number(r.jaccard) >= 0.7));
  // --write-kept leaves out every row removed against the reference, and keeps the rest.
  const kept = fs.readFileSync(keptFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { of?: number });
  assert.equal(kept.filter((r) => r.of !== undefined).length, COPIES - right.length);
  assert.equal(kept.length, rows.filter((r) => r.kept).length);
  // The input's own passages are other passages: none is a copy of the reference.
  const own = rows.filter((r) => r.of === null);
  assert.equal(own.filter((r) => String(r.reason).startsWith('against:')).length, 0);

  // A reference given as a run folder: its rows are read through DuckDB, where they came from named; the changed list redoes dedup.
  const refOut = path.join(dir, 'eval-out');
  const embed = await runCli(['embed', refFile, refOut, '--quiet']);
  assert.equal(embed.code, 0, embed.stderr);
  const refParts = fs.readdirSync(path.join(refOut, 'rows')).map((f) => path.join(refOut, 'rows', f));
  const beforeRun = fingerprint([...refParts, path.join(refOut, 'manifest.json')]);
  const again = await runCli(['dedup', out, '--against', refOut]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /against.*dedup will be redone/);
  assert.deepEqual(fingerprint([...refParts, path.join(refOut, 'manifest.json')]), beforeRun);
  const viaRun = await queryRows(out, `SELECT count(*)::INT AS n, min(reference) AS ref FROM dedup WHERE reason LIKE 'against:%'`);
  assert.equal(viaRun[0].n, rows.filter((r) => String(r.reason).startsWith('against:')).length);
  assert.ok(String(viaRun[0].ref).startsWith(`${refOut}: ${refFile}:`), String(viaRun[0].ref));

  // Semantic alone: the reference embedded with the run's model, each copy's nearest reference vector.
  const semantic = await runCli(['dedup', out, '--against', refFile, '--dedup-methods', 'semantic', '--dedup-epsilon', '0.02', '--quiet']);
  assert.equal(semantic.code, 0, semantic.stderr);
  assert.match(semantic.stderr, /against \d+ \(of 300 reference rows, 1 reference lines rejected\), semantic \d+/);
  const bySemantic = await queryRows(
    out,
    `SELECT json_extract(r.record, '$.of')::INT AS of, d.reason, d.duplicate_of, d.similarity, d.reference
     FROM dedup d JOIN rows r ON r.source = d.source AND r.line = d.line`,
  );
  const found = bySemantic.filter(
    (r) => r.of !== null && r.reason === 'against:semantic' && r.duplicate_of === idOf(reference[r.of as number]) && r.reference === `${refFile}:${(r.of as number) + 1}` && Number(r.similarity) >= 0.98,
  );
  console.log(`dedup --against --dedup-methods semantic (ε = 0.02): ${found.length} of ${COPIES} injected copies against the right reference row`);
  assert.ok(found.length / COPIES >= 0.9, `${found.length} of ${COPIES}`);
  assert.equal(bySemantic.filter((r) => r.of === null && r.reason === 'against:semantic').length, 0);
});

test('dedup --against: a missing reference, and one whose lines have no text at the key path, stop with the reference named', async () => {
  const dir = tempDir('dedup-against-bad');
  const input = path.join(dir, 'in.jsonl');
  fs.writeFileSync(input, sotuSample(60).map((p) => JSON.stringify({ text: p.text })).join('\n') + '\n');
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['infer', input, out, '--kmeans-num-clusters', '2', '--quiet'])).code, 0);
  const missing = await runCli(['dedup', out, '--against', path.join(dir, 'nope.jsonl'), '--quiet']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /--against .*nope\.jsonl: no such file or folder/);
  const wrongKey = path.join(dir, 'eval.jsonl');
  fs.writeFileSync(wrongKey, JSON.stringify({ question: 'what is the state of the union' }) + '\n');
  const bad = await runCli(['dedup', out, '--against', wrongKey, '--quiet']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--against .*eval\.jsonl: no reference row read; the first line was rejected: .*eval\.jsonl:1: missing_key/);
});
