import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellJoin, shellQuote } from '../../../core/util/shell-quote.js';

test('shellJoin: sh and bash read back every word exactly, quotes, $, globs, newlines and empty words included', () => {
  const words = ['plain', 'with space', "it's", '"double"', '$HOME', '`date`', '*.jsonl', 'a\nb', '', 'back\\slash', '--flag=x y', 'ünï'];
  for (const shell of ['sh', 'bash']) {
    const out = execFileSync(shell, ['-c', `for w in ${shellJoin(words)}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
    assert.deepEqual(out.split('\0').slice(0, -1), words, shell);
  }
});

test('shellQuote leaves safe words bare (paths, flags, shard specs)', () => {
  for (const w of ['out/run', '--shard', '2/4', 'a=b,c:d', '/usr/bin/node', 'x@y%z+']) assert.equal(shellQuote(w), w);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});
