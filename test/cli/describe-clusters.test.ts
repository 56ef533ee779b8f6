/**
 * clusters.parquet after infer: c-TF-IDF keywords that name each topic, shown in the cluster
 * statistics, and representative rows equal to a brute-force nearest-to-the-mean search.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, queryRows } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { TOPICS, writeTopicTexts } from '../support/topic-texts.js';

test('infer stores keywords of each cluster from its own topic, prints them with the largest clusters, and the rows nearest the centre', async () => {
  const dir = tempDir('describe');
  const file = path.join(dir, 'topics.jsonl');
  writeTopicTexts(file, 100);
  const out = path.join(dir, 'out');
  const infer = await runCli(['infer', file, out, '--kmeans-num-clusters', '4', '--keywords-top', '6', '--representatives', '5', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);

  const clusters = await queryRows(
    out,
    `SELECT c.cluster, c.keywords, c.keyword_scores, c.representative_ids, c.representatives, c.label, m.topic FROM clusters c
     JOIN (SELECT l.cluster, mode(json_extract(r.record, '$.topic')::INT) AS topic FROM labels l JOIN rows r USING (id) GROUP BY 1) m USING (cluster)`,
  );
  assert.equal(clusters.length, 4);
  for (const c of clusters) {
    const words = c.keywords as string[];
    const scores = c.keyword_scores as number[];
    assert.equal(words.length, 6);
    assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'best first');
    // The top keyword is one of the cluster's topic words (or a bigram of them).
    const topic = new Set(TOPICS[c.topic as number]);
    assert.ok(words[0].split(' ').every((w) => topic.has(w)), `${words[0]} in topic ${c.topic}`);
    assert.equal(c.label, '');
    assert.match(infer.stdout, new RegExp(`: ${words.slice(0, 5).join(', ')}`), 'keywords listed with the largest or smallest clusters');
  }

  // Brute force: cosine of every row to its cluster's normalised mean embedding.
  const rows = await queryRows(out, 'SELECT e.id, e.embedding, l.cluster, r.text FROM embeddings e JOIN labels l USING (id) JOIN (SELECT DISTINCT ON (id) id, text FROM rows) r USING (id)');
  for (const c of clusters) {
    const members = rows.filter((r) => r.cluster === c.cluster);
    const dims = (members[0].embedding as number[]).length;
    const mean = new Float64Array(dims);
    for (const m of members) (m.embedding as number[]).forEach((v, j) => (mean[j] += v));
    const cos = (m: Record<string, unknown>) => (m.embedding as number[]).reduce((a, v, j) => a + v * mean[j], 0);
    const best = [...members].sort((a, b) => cos(b) - cos(a)).slice(0, 5);
    assert.deepEqual(c.representative_ids, best.map((b) => b.id));
    assert.deepEqual(c.representatives, best.map((b) => b.text));
  }
});
