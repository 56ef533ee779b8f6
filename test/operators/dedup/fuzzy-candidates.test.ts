import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hasFuzzyCandidates, readFuzzyCandidates, writeFuzzyCandidates } from '../../../operators/dedup/fuzzy-candidates.js';
import { DEDUP_CANDIDATES, FILES } from '../../../schemas/tables.js';
import { tempDir } from '../../support/paths.js';

test('fuzzy candidates come back only under the key and for the ids they were stored with', () => {
  const out = tempDir('fuzzy-candidates');
  const key = { unit: 'word', ngram: 1, bandsThreshold: 0.5, permutations: 128, seed: 42 };
  const ids = ['a', 'b', 'c'];
  const c = { match: Int32Array.of(-1, 0, 0), jaccard: Float32Array.of(NaN, 0.75, 0.5) };
  writeFuzzyCandidates(out, key, ids, c);
  assert.ok(hasFuzzyCandidates(out, key));
  const back = readFuzzyCandidates(out, key, ids)!;
  assert.deepEqual([...back.match], [...c.match]);
  assert.deepEqual([...back.jaccard], [...c.jaccard]);
  assert.equal(readFuzzyCandidates(out, { ...key, seed: 1 }, ids), null, 'another seed');
  assert.equal(readFuzzyCandidates(out, key, ['a', 'c', 'b']), null, 'rows in another order');
  assert.equal(readFuzzyCandidates(out, key, ['a', 'b']), null, 'fewer rows');
  // A key without its table claims nothing.
  fs.rmSync(path.join(out, DEDUP_CANDIDATES.path));
  assert.ok(fs.existsSync(path.join(out, FILES.dedupCandidatesKey)));
  assert.equal(hasFuzzyCandidates(out, key), false);
});
