import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleWarnings, UNKNOWN_IDS_SQL } from '../../../pipeline/stages/sample-warnings.js';

const s = { sample_size: 1000, hdbscan_min_samples: 10, hdbscan_min_cluster_size: 100 };

test('sampleWarnings: above 30% noise, the share and the exact flags and commands that cluster more rows', () => {
  const [w, ...rest] = sampleWarnings(s, 'out/brown run', { rows: 100_000, noise: 70_800 });
  assert.deepEqual(rest, []);
  assert.match(w, /^warning: 71% of the rows \(70,800 of 100,000\) are noise and are never picked/);
  assert.match(w, /semclust infer 'out\/brown run' --hdbscan-assign-noise/);
  assert.match(w, /--hdbscan-min-samples \(now 10\) or --hdbscan-min-cluster-size \(now 100\): semclust fit 'out\/brown run' --hdbscan-min-samples 5/);
  assert.deepEqual(sampleWarnings(s, 'out', { rows: 100_000, noise: 30_000 }), [], '30% exactly is not above the line');
});

test('sampleWarnings: a sample size at or above the rows that can be picked (noise apart) says the sample is all of them', () => {
  assert.deepEqual(sampleWarnings(s, 'out', { rows: 1001, noise: 0 }), []);
  const [w] = sampleWarnings(s, 'out', { rows: 1000, noise: 0 });
  assert.equal(w, 'warning: --sample-size 1,000 is at least the 1,000 rows that can be picked, so the sample is all of them; give a smaller --sample-size to choose among them');
  const both = sampleWarnings({ ...s, sample_size: 500 }, 'out', { rows: 1000, noise: 600 });
  assert.equal(both.length, 2);
  assert.match(both[1], /at least the 400 rows that can be picked \(noise apart\)/);
});

test('sampleWarnings: from 1% of rows with no word the built-in model knows, their count, examples and the query that lists them', () => {
  const [w] = sampleWarnings(s, 'out', { rows: 50_000, noise: 0, unknown: { rows: 600, examples: ['6)', ') 3.', 'x'.repeat(50)] } });
  assert.match(w, /^warning: 600 rows \(1\.2%\) hold no word the built-in model knows \(e\.g\. "6\)", "\) 3\.", "x{40}…"\); each got a vector from its characters instead, so they group by their form/);
  assert.ok(w.includes(`semclust query out 'SELECT DISTINCT text FROM rows SEMI JOIN (${UNKNOWN_IDS_SQL}) USING (id)'`), w);
  assert.match(w, /--embedding-model minishlab\/potion-base-8M/);
  assert.deepEqual(sampleWarnings(s, 'out', { rows: 50_000, noise: 0, unknown: { rows: 499, examples: ['6)'] } }), [], 'below 1%');
});
