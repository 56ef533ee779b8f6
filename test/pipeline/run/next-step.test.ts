import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGES } from '../../../schemas/config.js';
import { nextStep } from '../../../pipeline/run/next-step.js';

test('nextStep: after each stage the command or file a user wants next, with the folder quoted for a shell', () => {
  assert.equal(nextStep('embed', 'out/a'), 'next: semclust infer out/a (fits the clusters, then labels every row)');
  assert.equal(nextStep('fit', 'out/a'), 'next: semclust infer out/a');
  assert.match(nextStep('infer', "my run's"), /^next: open 'my run'\\''s\/report.html' to see the clusters, then semclust sample 'my run'\\''s' --sample-size N$/);
  assert.match(nextStep('dedup', 'out/a'), /^next: semclust sample out\/a /);
  assert.equal(nextStep('sample', 'out/a'), 'next: out/a/sample.jsonl is the sample; open out/a/report.html to see it on the map');
  for (const stage of STAGES) assert.match(nextStep(stage, 'o'), /^next: /);
});
