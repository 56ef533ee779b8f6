import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKeywords, keywordLanguages, PairCounts } from '../../../operators/describe/cluster-keywords.js';
import { clusterKeywordsThreads } from '../../../operators/describe/cluster-keywords-thread.js';
import { writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';
import { sotuSample } from '../../support/corpus.js';

/** SOTU paragraphs in 5 parts, labelled round-robin into 4 clusters with every 9th row noise. */
function sotuRun(): string {
  const out = tempDir('kw-threads');
  const texts = sotuSample(300).map((p) => p.text);
  for (let p = 0; p < 5; p++) {
    const rows = texts.slice(p * 60, (p + 1) * 60).map((text, i) => ({ id: `${p}-${i}`, text, line: p * 60 + i + 1 }));
    writeRowsPart(out, p, rows);
    writeLabelsPart(out, p, rows.map((r) => r.id), rows.map((_, i) => ((p * 60 + i) % 9 === 0 ? -1 : (p * 60 + i) % 4)));
  }
  return out;
}

test('keywords counted by 1, 2 or 3 worker threads over shares of the parts are the ones one thread finds: terms, scores, vocabulary, languages', async () => {
  const out = sotuRun();
  const cases = [
    { options: { clusters: 4, top: 10, vocabulary: 50_000 }, workers: [1, 3] },
    { options: { clusters: 4, top: 5, vocabulary: 300, language: 'none' }, workers: [2] },
  ];
  for (const { options, workers } of cases) {
    const here = clusterKeywords(out, options);
    assert.ok(here.keywords.every((ks) => ks.length > 0), 'every cluster has keywords');
    for (const n of workers) assert.deepEqual(await clusterKeywordsThreads(out, options, n), here, `${n} workers`);
  }
});

test('a pair budget that every share fits but their merge passes counts in two passes, as one thread does', async () => {
  const out = sotuRun();
  const languages = keywordLanguages(out, 4, 'auto');
  const all = new PairCounts().count(out, { clusters: 4, languages, parts: null }).share()!;
  const maxPairs = all.count.length - 1;
  assert.equal(new PairCounts(maxPairs).count(out, { clusters: 4, languages, parts: null }).full, true, 'one share of every part passes the budget');
  for (const w of [0, 1]) assert.equal(new PairCounts(maxPairs).count(out, { clusters: 4, languages, parts: [0, 1, 2, 3, 4].filter((p) => p % 2 === w) }).full, false, `share ${w} of 2 fits`);
  const options = { clusters: 4, top: 10, vocabulary: 2_000, maxPairs };
  assert.deepEqual(await clusterKeywordsThreads(out, options, 2), clusterKeywords(out, options));
});

test('a failure on a worker thread reaches the caller with its message', async () => {
  await assert.rejects(clusterKeywordsThreads(sotuRun(), { clusters: 3, top: 5, vocabulary: 100 }, 2), /label 3 is outside the 3 clusters of the model; rerun semclust infer/);
});
