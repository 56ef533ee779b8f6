import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKeywords } from '../../../operators/describe/cluster-keywords.js';
import { writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

const TOPICS = [
  ['passport renewal office', 'passport photo rejected', 'renewal passport fee'],
  ['refund transfer pending', 'transfer refund declined', 'refund still pending'],
];
const NOISE = ['volcano volcano volcano', 'volcano eruption'];

/** Texts of both topics and noise, interleaved, written in `parts` parts. */
function runWith(parts: number): string {
  const out = tempDir('kw');
  const items: { text: string; cluster: number }[] = [];
  for (let i = 0; i < 3; i++) items.push({ text: TOPICS[0][i], cluster: 0 }, { text: TOPICS[1][i], cluster: 1 }, ...(i < 2 ? [{ text: NOISE[i], cluster: -1 }] : []));
  const per = Math.ceil(items.length / parts);
  for (let p = 0; p < parts; p++) {
    const slice = items.slice(p * per, (p + 1) * per).map((x, k) => ({ ...x, id: `${p}-${k}`, line: p * per + k + 1 }));
    writeRowsPart(out, p, slice);
    writeLabelsPart(out, p, slice.map((x) => x.id), slice.map((x) => x.cluster));
  }
  return out;
}

test('each cluster\'s first keywords are its own words; noise rows are not counted', () => {
  const r = clusterKeywords(runWith(1), { clusters: 2, top: 4, vocabulary: 1000 });
  assert.equal(r.keywords[0][0], 'passport');
  assert.equal(r.keywords[1][0], 'refund');
  for (const c of [0, 1]) {
    const other = TOPICS[1 - c].join(' ').split(' ');
    assert.ok(r.keywords[c].every((k) => !k.split(' ').some((w) => other.includes(w))), `cluster ${c}: ${r.keywords[c]}`);
    assert.equal(r.scores[c].length, r.keywords[c].length);
    for (let i = 1; i < r.scores[c].length; i++) assert.ok(r.scores[c][i] <= r.scores[c][i - 1], 'best first');
  }
  assert.ok(!r.keywords.flat().some((k) => k.includes('volcano')));
});

test('the keywords do not depend on how the rows are split into parts', () => {
  const one = clusterKeywords(runWith(1), { clusters: 2, top: 5, vocabulary: 1000 });
  const three = clusterKeywords(runWith(3), { clusters: 2, top: 5, vocabulary: 1000 });
  assert.deepEqual(three, one);
});

test('the vocabulary is capped; without bigrams only single words are terms; a label beyond the model is refused', () => {
  const out = runWith(2);
  const capped = clusterKeywords(out, { clusters: 2, top: 10, vocabulary: 3 });
  // Lossy counting may prune ties below the cap (core/keywords/term-vocabulary.ts); never above it.
  assert.ok(capped.vocabularySize >= 1 && capped.vocabularySize <= 3, `${capped.vocabularySize} terms`);
  assert.ok(capped.keywords.flat().length <= 3 * 2);
  const words = clusterKeywords(out, { clusters: 2, top: 10, vocabulary: 1000, bigrams: false });
  assert.ok(words.keywords.flat().every((k) => !k.includes(' ')));
  assert.ok(clusterKeywords(out, { clusters: 2, top: 10, vocabulary: 1000 }).keywords.flat().some((k) => k.includes(' ')), 'bigrams by default');
  assert.throws(() => clusterKeywords(out, { clusters: 1, top: 3, vocabulary: 100 }), /label 1 is outside the 1 clusters of the model; rerun semclust infer/);
});
