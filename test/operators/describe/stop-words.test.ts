import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { stopWordLists } from '../../../operators/describe/stop-words.js';
import { settingsShape } from '../../../schemas/config.js';

test('stop-word lists: stopwords-iso’s 58 languages in lower case, English first', () => {
  const lists = stopWordLists();
  const iso = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
  assert.equal(lists.size, 58);
  assert.equal([...lists.keys()][0], 'en');
  for (const code of ['en', 'zh', 'ja', 'de', 'ko', 'th', 'ru']) assert.equal(lists.get(code)!.size, new Set(iso[code].map((w) => w.toLowerCase())).size, code);
  assert.ok(lists.get('en')!.has('the') && !lists.get('en')!.has('card') && lists.get('de')!.has('und') && lists.get('zh')!.has('我们') && lists.get('ja')!.has('これ'));
  for (const list of lists.values()) for (const w of list) assert.equal(w, w.toLowerCase());
  // The setting offers exactly the languages that have a list.
  const offered = settingsShape.keywords_language.removeDefault().options.filter((o) => o !== 'auto' && o !== 'none');
  assert.deepEqual([...offered].sort(), [...lists.keys()].sort());
});
