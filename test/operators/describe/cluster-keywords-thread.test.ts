import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKeywords } from '../../../operators/describe/cluster-keywords.js';
import { clusterKeywordsThread } from '../../../operators/describe/cluster-keywords-thread.js';
import { writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';
import { sotuSample } from '../../support/corpus.js';

/** SOTU paragraphs in 3 parts, labelled round-robin into 4 clusters with every 9th row noise. */
function sotuRun(): string {
  const out = tempDir('kw-thread');
  const texts = sotuSample(240).map((p) => p.text);
  for (let p = 0; p < 3; p++) {
    const rows = texts.slice(p * 80, (p + 1) * 80).map((text, i) => ({ id: `${p}-${i}`, text, line: p * 80 + i + 1 }));
    writeRowsPart(out, p, rows);
    writeLabelsPart(out, p, rows.map((r) => r.id), rows.map((_, i) => ((p * 80 + i) % 9 === 0 ? -1 : (p * 80 + i) % 4)));
  }
  return out;
}

test('keywords on a worker thread are the ones the main thread finds: terms, scores, vocabulary and languages', async () => {
  const out = sotuRun();
  for (const options of [{ clusters: 4, top: 10, vocabulary: 50_000 }, { clusters: 4, top: 5, vocabulary: 300, language: 'none' }]) {
    const here = clusterKeywords(out, options);
    assert.ok(here.keywords.every((ks) => ks.length > 0), 'every cluster has keywords');
    assert.deepEqual(await clusterKeywordsThread(out, options), here);
  }
});

test('a failure on the worker thread reaches the caller with its message', async () => {
  await assert.rejects(clusterKeywordsThread(sotuRun(), { clusters: 3, top: 5, vocabulary: 100 }), /label 3 is outside the 3 clusters of the model; rerun semclust infer/);
});
