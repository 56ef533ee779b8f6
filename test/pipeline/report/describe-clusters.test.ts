import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeClusters } from '../../../pipeline/report/describe-clusters.js';
import { Settings } from '../../../schemas/config.js';
import { LANGUAGE_SETS, languageTexts } from '../../support/language-topics.js';
import { tempDir } from '../../support/paths.js';
import { writeEmbeddingsPart, writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';

/** One part of Chinese (clusters 0–3) and German (4–7) topic texts, with 2-d embeddings. */
function languageRun(): { out: string; sizes: Float64Array } {
  const out = tempDir('describe');
  const [zh, , de] = LANGUAGE_SETS;
  const items = [...languageTexts(zh, 10).map((x) => ({ ...x, cluster: x.topic })), ...languageTexts(de, 10).map((x) => ({ ...x, cluster: 4 + x.topic }))];
  const rows = items.map((x, i) => ({ id: `r${i}`, text: x.text, line: i + 1 }));
  writeRowsPart(out, 0, rows);
  writeEmbeddingsPart(out, 0, rows.map((r) => r.id), Float32Array.from(items.flatMap((x, i) => [x.cluster, i % 3])), 2);
  writeLabelsPart(out, 0, rows.map((r) => r.id), items.map((x) => x.cluster));
  return { out, sizes: new Float64Array(8).fill(10) };
}

test('infer says which stop words the keywords dropped when a cluster is not English, and nothing when told the language', async () => {
  const { out, sizes } = languageRun();
  const centres = { sizes, centroids: new Float32Array(16), dims: 2 };
  const said: string[] = [];
  const described = await describeClusters(out, centres, Settings.parse({}), (m) => said.push(m));
  assert.deepEqual(said, ['keywords: stop words of zh (4 clusters), de (4 clusters); --keywords-language sets one']);
  assert.ok(described[0].keywords.every((k) => !k.includes('怎么')), `${described[0].keywords}`);
  said.length = 0;
  await describeClusters(out, centres, Settings.parse({ keywords_language: 'de' }), (m) => said.push(m));
  assert.deepEqual(said, []);
});
