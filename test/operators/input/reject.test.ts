import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { extractTexts, type RowBatch } from '../../../operators/input/extract-text.js';
import { readLines } from '../../../operators/input/read-lines.js';
import { REJECT_HINTS } from '../../../operators/input/reject.js';
import { tempDir } from '../../support/paths.js';

test('every reason a line is rejected for, text or vector, comes with a hint that names what to change', async () => {
  const file = path.join(tempDir('reject'), 'in.jsonl');
  const lines = [
    '{"text": "ok", "v": [1, 0]}',
    '{"text": "ok2", "v": [0, 1]}',
    '{"text": ',
    '{"other": 1}',
    '{"text": 5}',
    '{"text": "  "}',
    '',
    'x'.repeat(300),
    '{"text": "a", "v": "no"}',
    '{"text": "b", "v": [1]}',
    '{"text": "c", "v": [1, "x"]}',
    '{"text": "d", "v": [0, 0]}',
  ];
  fs.writeFileSync(file, Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from([0xc3, 0x28, 0x0a])]));
  const seen = new Set<string>();
  const extract = extractTexts({ keyPath: 'text', vectors: { keyPath: 'v', dims: 2 } });
  for await (const b of extract(readLines([file], { maxLineBytes: 200 })) as AsyncIterable<RowBatch>) for (const r of b.rejects) seen.add(r.reason);
  // vector_not_finite needs a NaN, which JSON cannot spell; the rest all occur above.
  for (const reason of ['invalid_json', 'missing_key', 'not_a_string', 'empty_text', 'empty_line', 'line_too_long', 'invalid_utf8', 'not_a_vector', 'vector_dims', 'vector_not_numeric', 'vector_zero']) {
    assert.ok(seen.has(reason), `no ${reason} reject produced`);
  }
  for (const reason of seen) {
    const hint = REJECT_HINTS[reason as keyof typeof REJECT_HINTS];
    assert.ok(typeof hint === 'string' && hint.length > 15, `${reason} has a hint`);
  }
});
