/**
 * mapTexts (operators/embedders/embedder.ts): the one wrapper that changes texts before a
 * backend sees them, on the real built-in static model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapTexts, type ServedUsage } from '../../../operators/embedders/embedder.js';
import { openStaticModel } from '../../../operators/embedders/static-model.js';

test('every call reaches the model with the mapped texts; usage is replaced only when given', async () => {
  const model = await openStaticModel({ cacheDir: mkdtempSync(join(tmpdir(), 'semclust-map-texts-')), vocabSize: 2000 });
  try {
    const texts = ['the bank card arrived', 'a transfer failed'];
    const prefix = (t: readonly string[]) => t.map((x) => `money ${x}`);
    const mapped = mapTexts(model, prefix);
    assert.deepEqual([mapped.model, mapped.dims, mapped.revision], [model.model, model.dims, model.revision]);
    assert.deepEqual(await mapped.embed(texts), await model.embed(prefix(texts)));
    assert.notDeepEqual(await mapped.embed(texts), await model.embed(texts));
    assert.equal(mapped.countTokens!(texts), model.countTokens!(prefix(texts)));
    assert.equal(mapped.countTokens!(texts), model.countTokens!(texts) + texts.length);
    assert.equal(mapped.usage, undefined, 'the static model keeps no served totals');
    const totals: ServedUsage = { requests: 3, prompt_tokens: 10, total_tokens: 10, truncated: 1, too_long: 0, request_batch_size: 32, server_kind: 'tei' };
    assert.deepEqual(mapTexts(model, prefix, () => totals).usage!(), totals);
  } finally {
    await model.close();
  }
});
