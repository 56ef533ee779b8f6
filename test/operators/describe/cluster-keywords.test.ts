import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterKeywords } from '../../../operators/describe/cluster-keywords.js';
import { writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';
import { LANGUAGE_SETS, languageTexts } from '../../support/language-topics.js';
import { sotuSample } from '../../support/corpus.js';

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

test('one tokenising pass gives the keywords and scores of the two-pass count it falls back to (SOTU, 600 passages, 3 parts)', () => {
  const out = tempDir('kw-sotu');
  const passages = sotuSample(600);
  // Clusters by half-century, so each holds a few eras' words.
  const rows = passages.map((p, i) => ({ id: `s${i}`, text: p.text, line: i + 1, cluster: Math.min(4, Math.floor((p.year - 1790) / 50)) }));
  for (let part = 0; part < 3; part++) {
    const slice = rows.slice(part * 200, (part + 1) * 200);
    writeRowsPart(out, part, slice);
    writeLabelsPart(out, part, slice.map((r) => r.id), slice.map((r) => r.cluster));
  }
  const onePass = clusterKeywords(out, { clusters: 5, top: 10, vocabulary: 50_000 });
  // A budget of one pair sends the count to the two passes at its first text.
  assert.deepEqual(onePass, clusterKeywords(out, { clusters: 5, top: 10, vocabulary: 50_000, maxPairs: 1 }));
  assert.ok(onePass.keywords.every((k) => k.length === 10));
  // Below the corpus's vocabulary the lossy first pass prunes ties and keeps fewer terms than
  // asked (so the scores differ a little); the exact one keeps the most frequent 2,000, and
  // the keywords stay the same.
  const capped = clusterKeywords(out, { clusters: 5, top: 10, vocabulary: 2_000 });
  const cappedTwoPasses = clusterKeywords(out, { clusters: 5, top: 10, vocabulary: 2_000, maxPairs: 1 });
  assert.equal(capped.vocabularySize, 2_000);
  assert.ok(cappedTwoPasses.vocabularySize < 2_000);
  assert.deepEqual(capped.keywords, cappedTwoPasses.keywords);
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

test('Chinese, Japanese and German clusters in one run: keywords are words that hit their topics, without their language’s stop words', () => {
  // Four topics per language, labelled with their true topic (12 clusters), written in two parts.
  const out = tempDir('kw-languages');
  const items = LANGUAGE_SETS.flatMap((set, l) => languageTexts(set, 30).map((x) => ({ text: x.text, cluster: l * 4 + x.topic })));
  const half = items.length >> 1;
  [items.slice(0, half), items.slice(half)].forEach((slice, p) => {
    const rows = slice.map((x, k) => ({ ...x, id: `${p}-${k}`, line: p * half + k + 1 }));
    writeRowsPart(out, p, rows);
    writeLabelsPart(out, p, rows.map((x) => x.id), rows.map((x) => x.cluster));
  });
  const r = clusterKeywords(out, { clusters: 12, top: 10, vocabulary: 1000 });
  LANGUAGE_SETS.forEach((set, l) => {
    let hits = 0;
    set.topics.forEach((topic, t) => {
      const c = l * 4 + t;
      assert.deepEqual(r.languages[c], [set.language], `cluster ${c}`);
      const words = r.keywords[c].flatMap((k) => k.split(' '));
      // Words, not sentences: no punctuation, and no Chinese or Japanese word longer than the longest topic word (8 characters).
      const longest = set.language === 'de' ? Infinity : 8;
      for (const w of words) assert.ok([...w].length <= longest && !/[，。、：:？,.]/.test(w), `${set.language} keyword ${w}`);
      for (const s of set.stopWords) assert.ok(!words.includes(s), `${set.language} stop word ${s} in ${r.keywords[c]}`);
      if (r.keywords[c].slice(0, 5).some((k) => k.split(' ').some((w) => topic.name.includes(w)))) hits++;
    });
    // eval:banking77's keyword share: topics whose top-5 keywords hold one of its name words.
    assert.ok(hits / set.topics.length >= 0.75, `${set.language}: ${hits} of ${set.topics.length} topics hit`);
  });

  const german = clusterKeywords(out, { clusters: 12, top: 10, vocabulary: 1000, language: 'de' });
  assert.ok(german.languages.every((codes) => codes.join() === 'de'));
  // Without stop words a Chinese cluster's keywords are allowed to be its stop words; German ones are not, with de's list.
  const none = clusterKeywords(out, { clusters: 12, top: 50, vocabulary: 1000, language: 'none' });
  assert.ok(none.keywords.slice(0, 4).flat().some((k) => LANGUAGE_SETS[0].stopWords.includes(k)), 'zh stop words are terms without a list');
  assert.ok(!german.keywords.slice(8).flat().some((k) => LANGUAGE_SETS[2].stopWords.includes(k)));
  assert.throws(() => clusterKeywords(out, { clusters: 12, top: 5, vocabulary: 100, language: 'xx' }), /keywords_language xx has no stop-word list: give auto, none or one of af, ar, /);
});
