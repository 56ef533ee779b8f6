/**
 * Sharded embed and infer from the command line (runStages with a shard and mergeShards,
 * pipeline/run/run-stages.ts; the splits in pipeline/stages/embed-units.ts and infer.ts): 4 shards as 4 concurrent processes give merged outputs equal to a one-process
 * run — rows, ids, embeddings bitwise and in the same order (fit samples by row order),
 * labels, clusters and the sample — on a corpus whose repeated texts fall in different
 * input units; a missing shard and a shard killed with SIGKILL are named with the command
 * that reruns them, and after the rerun the result is the same with no id embedded twice.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { openEmbedder } from '../../operators/embedders/open-embedder.js';
import { startEmbeddingServer } from '../../operators/http/embedding-server.js';
import { queryRows, runCli, startCli } from '../support/cli.js';
import { assertSameRun, type Compared } from '../support/same-run.js';
import { sotuSample } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir('shards');
const input = path.join(dir, 'in.jsonl');
const gz = path.join(dir, 'more.jsonl.gz');
{
  const texts = sotuSample(3000).map((p) => p.text);
  const lines: string[] = [];
  for (let i = 0; i < 12000; i++) {
    // Every 4th line after the first 3,000 repeats a text from far earlier: another unit, often another shard.
    const text = i >= 3000 && i % 4 === 0 ? texts[(i * 7) % 3000] : `${texts[i % 3000]} (${i})`;
    lines.push(JSON.stringify({ text, n: i }));
  }
  lines.splice(1234, 0, '');
  lines.splice(7001, 0, '{"text": broken');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const more = Array.from({ length: 600 }, (_, i) => JSON.stringify({ text: i % 2 ? texts[i] : `more ${texts[i]}`, n: i }));
  fs.writeFileSync(gz, zlib.gzipSync(more.join('\n') + '\n'));
}
const COMMON = ['--part-rows', '1000', '--threads', '1', '--quiet'];
// The plot is UMAP, whose transform of a row depends on the block it is placed with: equal
// plots show that one process cuts its parts where the shards do (at the same unit size).
const FIT = ['--kmeans-num-clusters', '20', '--plot-projection', 'umap', '--quiet'];
const UNIT = ['--shard-unit-bytes', '262144'];
const one = path.join(dir, 'one');

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `semclust ${args.join(' ')}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Runs `semclust embed|infer … --shard I/4` for each I at once, 1 thread each. */
async function shards(stage: 'embed' | 'infer', out: string, which: number[], extra: string[] = []): Promise<void> {
  const args = (i: number) => (stage === 'embed' ? ['embed', input, gz, out] : ['infer', out]).concat(['--shard', `${i}/4`, ...COMMON, ...extra]);
  const results = await Promise.all(which.map((i) => startCli(args(i)).done));
  results.forEach((r, k) => assert.equal(r.code, 0, `shard ${which[k]}: ${r.stderr}`));
}

const sameAsOneProcess = (out: string, stages: Compared[]) => assertSameRun(out, one, stages);

test('one-process reference run', { timeout: 300_000 }, async () => {
  await ok(['embed', input, gz, one, ...COMMON, ...UNIT]);
  await ok(['fit', one, ...FIT]);
  await ok(['infer', one, '--quiet']);
  await ok(['sample', one, '--sample-size', '300', '--quiet']);
  const [r] = await queryRows(one, 'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM rows');
  assert.ok(Number(r.rows) - Number(r.ids) > 1000, `the corpus repeats texts: ${JSON.stringify(r)}`);
});

test('4 concurrent embed shards, then 4 infer shards: merged rows, embeddings (bitwise, same order), labels, clusters and sample equal one process', { timeout: 300_000 }, async () => {
  const out = path.join(dir, 'four');
  await shards('embed', out, [0, 1, 2, 3], UNIT);
  assert.ok(!fs.existsSync(path.join(out, 'manifest.json')), 'shards never write the manifest');
  const merge = await runCli(['merge', out]);
  assert.equal(merge.code, 0, merge.stderr);
  const m = /embed: 4 shards merged: (\d+) input units, [\d,]+ rows, [\d,]+ embedded \((\d+) parts rewritten/.exec(merge.stdout);
  assert.ok(m, merge.stdout);
  assert.ok(Number(m[1]) >= 8, `units: ${m[1]}`);
  assert.ok(Number(m[2]) > 0, 'texts repeated across shards were embedded by more than one shard and dropped by the merge');
  await sameAsOneProcess(out, ['embed']);

  await ok(['fit', out, ...FIT]);
  await shards('infer', out, [0, 1, 2, 3]);
  await ok(['sample', out, '--sample-size', '300', '--quiet']);
  await sameAsOneProcess(out, ['infer', 'sample', 'projection']);
  const [embed] = await queryRows(out, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM embeddings');
  assert.equal(embed.n, embed.d);
});

test('a missing shard: fit and sample fail naming it and the command that reruns it; after that command they pass', { timeout: 300_000 }, async () => {
  const out = path.join(dir, 'missing');
  await shards('embed', out, [0, 1]);
  // Shard 3 from a Kubernetes Indexed Job's environment.
  process.env.JOB_COMPLETION_INDEX = '3';
  try {
    await ok(['embed', input, gz, out, '--num-shards', '4', ...COMMON]);
  } finally {
    delete process.env.JOB_COMPLETION_INDEX;
  }
  const fit = await runCli(['fit', out, ...FIT]);
  assert.equal(fit.code, 1, fit.stderr);
  assert.match(fit.stderr, /the sharded embed stage is not complete: 1 of 4 shards is not done\n  shard 2 of 4 never ran/);
  const rerun = /^ {2}semclust (embed .* --shard 2\/4)$/m.exec(fit.stderr);
  assert.equal(rerun?.[1], `embed ${input} ${gz} ${out} --shard 2/4`, fit.stderr);
  await ok([...rerun[1].split(' '), '--quiet']);
  await ok(['fit', out, ...FIT]);
  await sameAsOneProcess(out, ['embed']);

  await shards('infer', out, [0, 2, 3]);
  const sample = await runCli(['sample', out, '--sample-size', '300']);
  assert.equal(sample.code, 1, sample.stderr);
  assert.match(sample.stderr, /the sharded infer stage is not complete: 1 of 4 shards is not done\n  shard 1 of 4 never ran/);
  assert.ok(sample.stderr.includes(`\n  semclust infer ${out} --shard 1/4\n`), sample.stderr);
  await shards('infer', out, [1]);
  await ok(['sample', out, '--sample-size', '300', '--quiet']);
  // Its default unit size (64 MiB: one unit per file) cuts other parts than the reference's, so
  // the UMAP plot is not compared here; labels and sample do not depend on parts.
  await sameAsOneProcess(out, ['infer', 'sample']);
});

test('a shard killed with SIGKILL mid-run: merge names it; rerun keeps its finished units, and the result equals one process with no id embedded twice', { timeout: 300_000 }, async () => {
  const out = path.join(dir, 'killed');
  // Another unit size than above: the merged result does not depend on it.
  const unit = ['--shard-unit-bytes', '65536'];
  await shards('embed', out, [0, 2, 3], unit);
  const { child, done } = startCli(['embed', input, gz, out, '--shard', '1/4', ...COMMON, ...unit]);
  // Unit 5 is shard 1's second unit: kill once it is recorded, while later units are in flight.
  const second = path.join(out, 'progress', 'embed', 'unit-000005.json');
  while (!fs.existsSync(second)) await new Promise((r) => setTimeout(r, 3));
  child.kill('SIGKILL');
  assert.equal((await done).signal, 'SIGKILL');
  const record = JSON.parse(fs.readFileSync(path.join(out, 'progress', 'embed', 'shard-1-of-4.json'), 'utf8'));
  assert.equal(record.status, 'running', 'killed before it finished');

  const merge = await runCli(['merge', out]);
  assert.equal(merge.code, 1);
  assert.match(merge.stderr, /shard 1 of 4 did not finish \(started .* it is still running, or was killed\)/);
  assert.match(merge.stderr, /semclust embed \S+ \S+ \S+ --shard 1\/4/);

  const again = await runCli(['embed', input, gz, out, '--shard', '1/4', ...COMMON]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /taking it over/);
  assert.match(again.stderr, /\((\d+) finished earlier, kept\)/);
  assert.equal((await runCli(['merge', out])).code, 0);
  await sameAsOneProcess(out, ['embed']);
  const [e] = await queryRows(out, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM embeddings');
  assert.equal(e.n, e.d, 'no id embedded twice');
});

test('stdin cannot be sharded, and a scheduler index without its count says which flag to add', async () => {
  const out = path.join(dir, 'stdin');
  const r = await runCli(['embed', '-', out, '--shard', '0/2'], '{"text":"a"}\n');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /stdin cannot be sharded/);
  assert.ok(!fs.existsSync(out));
  process.env.AWS_BATCH_JOB_ARRAY_INDEX = '1';
  try {
    const b = await runCli(['embed', input, out]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /AWS_BATCH_JOB_ARRAY_INDEX is set \(an AWS Batch array job\) but the shard count is not: add --num-shards N/);
  } finally {
    delete process.env.AWS_BATCH_JOB_ARRAY_INDEX;
  }
});

test('endpoint credentials are never recorded by a shard; a rerun of another shard is asked for them again', async () => {
  const local = await openEmbedder({ embedding_model: 'static' } as Parameters<typeof openEmbedder>[0]);
  const server = await startEmbeddingServer(local, { host: '127.0.0.1', port: 0 });
  const out = path.join(dir, 'secret');
  const small = path.join(dir, 'small.jsonl');
  fs.writeFileSync(small, Array.from({ length: 300 }, (_, i) => JSON.stringify({ text: `passage ${i} about the union` })).join('\n') + '\n');
  const endpoint = `${server.url}?api-key=s3cr3t-value`;
  const unit = ['--shard-unit-bytes', '4096'];
  try {
    await ok(['embed', small, out, '--shard', '0/2', '--embedding-endpoint', endpoint, '--embedding-model', local.model, ...unit, '--quiet']);
    const recorded = fs.readdirSync(path.join(out, 'progress', 'embed')).filter((f) => f.endsWith('.json')).map((f) => fs.readFileSync(path.join(out, 'progress', 'embed', f), 'utf8'));
    assert.ok(recorded.length > 1 && recorded.every((t) => !t.includes('s3cr3t')));
    const bare = await runCli(['embed', small, out, '--shard', '1/2', '--quiet']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /the embedding_endpoint the other shards recorded had credentials, which are never stored; pass --embedding-endpoint again/);
    await ok(['embed', small, out, '--shard', '1/2', '--embedding-endpoint', endpoint, '--quiet']);
    const merge = await runCli(['merge', out]);
    assert.equal(merge.code, 0, merge.stderr);
    assert.doesNotMatch(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'), /s3cr3t/);
  } finally {
    await server.close();
    await local.close();
  }
});
