import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { groupPassages, splitSentences } from '../../scripts/passages.js';
import { sotuPassages, writeSotuCorpus } from '../../scripts/sotu-corpus.js';
import { tempDir } from '../support/paths.js';

test('sentences end at . ! ? before a capital, not after titles, initials, U.S. or inside numbers', () => {
  const text =
    'I thank Mr. Smith and Gen. Grant. The U.S. Army spent $1.5 million in 1865! Did John Q. Adams agree? ' +
    '"Yes," he said. (Applause.) The debt fell 2.5 percent. It is 3 p.m. now.';
  assert.deepEqual(splitSentences(text), [
    'I thank Mr. Smith and Gen. Grant.',
    'The U.S. Army spent $1.5 million in 1865!',
    'Did John Q. Adams agree?',
    '"Yes," he said.',
    'The debt fell 2.5 percent.',
    'It is 3 p.m. now.',
  ]);
  assert.deepEqual(splitSentences('We met—(applause)—and agreed. Thank you.'), ['We met—and agreed.', 'Thank you.']);
});

test('passages group up to 3 sentences within 60 words, drop fragments under 6 words, cut long sentences at semicolons', () => {
  const w = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ') + '.';
  const s = [w(10, 'a'), w(10, 'b'), w(10, 'c'), w(10, 'd'), w(58, 'e'), w(3, 'f')];
  assert.deepEqual(groupPassages(s), [`${s[0]} ${s[1]} ${s[2]}`, s[3], s[4]]);
  const clause = (tag: string) => Array.from({ length: 50 }, (_, i) => `${tag}${i}`).join(' ');
  const long = `${clause('x')}; ${clause('y')}; ${clause('z')}.`;
  assert.deepEqual(groupPassages([long]), [`${clause('x')};`, `${clause('y')};`, `${clause('z')}.`]);
});

test('the corpus covers every address, each passage with its year, president and party', () => {
  const years = new Set<number>();
  let n = 0;
  for (const p of sotuPassages()) {
    n++;
    years.add(p.year);
    assert.ok(p.text.split(' ').length >= 6, p.text);
    assert.ok(p.president && p.party, JSON.stringify(p));
  }
  assert.ok(n > 30_000, `${n} passages`);
  assert.ok(years.has(1790) && years.has(1861) && years.has(2016), 'all eras');
});

test('writeSotuCorpus builds once, then reuses the file while recipe and size match', () => {
  const out = path.join(tempDir('corpus'), 'sotu.jsonl');
  const first = writeSotuCorpus(out);
  assert.equal(first.reused, false);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, first.passages);
  assert.deepEqual(Object.keys(JSON.parse(lines[0])), ['text', 'year', 'president', 'party']);
  assert.equal(writeSotuCorpus(out).reused, true);
  fs.truncateSync(out, 100);
  const rebuilt = writeSotuCorpus(out);
  assert.equal(rebuilt.reused, false, 'a truncated file is rebuilt');
  assert.equal(fs.statSync(out).size, first.bytes);
});
