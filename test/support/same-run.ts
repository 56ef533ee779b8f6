/**
 * Two run folders hold the same result: rows (ids, texts, records, sources, lines), embeddings
 * bitwise and in part order, rejects.jsonl, labels, clusters, the sample and the plot's map. For comparing a
 * sharded run with a one-process run of the same inputs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { embeddingsById } from '../../operators/parquet/read-embeddings.js';
import { queryRows } from './cli.js';

export type Compared = 'embed' | 'infer' | 'sample' | 'projection';

const DIGEST: Record<Compared, string> = {
  embed: `SELECT count(*) AS n, md5(string_agg(concat_ws('|', id, text, record, source, line), ',' ORDER BY source, line)) AS h FROM rows`,
  infer: `SELECT count(*) AS n, md5(string_agg(concat_ws('|', id, cluster, probability), ',' ORDER BY id)) AS h FROM labels`,
  sample: `SELECT count(*) AS n, md5(string_agg(concat_ws('|', id, cluster), ',' ORDER BY id)) AS h FROM sample`,
  projection: `SELECT count(*) AS n, md5(string_agg(concat_ws('|', id, x, y), ',' ORDER BY id)) AS h FROM projection`,
};
const CLUSTERS = `SELECT md5(string_agg(concat_ws('|', cluster, size, keywords::VARCHAR, representative_ids::VARCHAR), ',' ORDER BY cluster)) AS h FROM clusters`;

export async function assertSameRun(out: string, reference: string, stages: readonly Compared[]): Promise<void> {
  const digest = async (o: string, sql: string) => (await queryRows(o, sql))[0];
  for (const s of stages) assert.deepEqual(await digest(out, DIGEST[s]), await digest(reference, DIGEST[s]), `${s} differs`);
  if (stages.includes('embed')) {
    const a = embeddingsById(out);
    const b = embeddingsById(reference);
    assert.deepEqual(a.ids, b.ids, 'embedding ids, in part order');
    for (const id of b.ids) assert.ok(Buffer.from(a.byId.get(id)!.buffer).equals(Buffer.from(b.byId.get(id)!.buffer)), `vector of ${id}`);
    assert.equal(fs.readFileSync(path.join(out, 'rejects.jsonl'), 'utf8'), fs.readFileSync(path.join(reference, 'rejects.jsonl'), 'utf8'));
  }
  if (stages.includes('infer')) assert.deepEqual(await digest(out, CLUSTERS), await digest(reference, CLUSTERS), 'clusters differ');
  if (stages.includes('sample')) assert.equal(fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8'), fs.readFileSync(path.join(reference, 'sample.jsonl'), 'utf8'));
}
