/**
 * The reference tool's README command lines (facebookresearch/matrix clustering: fit,
 * inference and sample for k-means and for HDBSCAN) run as written, with the Ray head
 * argument dropped and the model set to the built-in one; and its flag spellings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, queryRows } from '../support/cli.js';
import { sotuChatJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir('reference');
const input = sotuChatJsonl(3000);

test('the k-means commands: fit, inference, sample', async () => {
  const out = path.join(dir, 'kmeans');
  const model = ['--embedding_model', 'static'];
  const fit = await runCli(['fit', input, out, '--max_concurrency', '16', '--text_key', '', '--message_key', 'request.messages[0].content', ...model, '--kmeans_num_clusters', '100']);
  assert.equal(fit.code, 0, fit.stderr);
  const inference = await runCli(['inference', input, out, '--max_concurrency', '16', ...model, '--kmeans_num_clusters', '100']);
  assert.equal(inference.code, 0, inference.stderr);
  assert.match(inference.stderr, /fit: complete for these settings, skipped/);
  const sample = await runCli(['sample', out, ...model, '--kmeans_num_clusters', '100', '--sample_size', '10000']);
  assert.equal(sample.code, 0, sample.stderr);
  const labels = (await queryRows(out, 'SELECT count(*) AS n, max(cluster) AS top FROM labels'))[0];
  assert.deepEqual([Number(labels.n), Number(labels.top)], [2999, 99]);
  // The user turn of each Llama-3 prompt was embedded, not the template around it.
  const text = (await queryRows(out, "SELECT count(*) AS n FROM rows WHERE text LIKE '%<|start_header_id|>%'"))[0];
  assert.equal(Number(text.n), 0);
  // 10,000 asked of 2,999 rows: every row once.
  assert.equal(fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').trim().split('\n').length, 2999);
});

test('the HDBSCAN commands with --enable_umap True', async () => {
  const out = path.join(dir, 'hdbscan');
  const common = ['--max_concurrency', '16', '--embedding_model', 'static', '--enable_umap', 'True', '--cluster_alg', 'hdbscan', '--hdbscan_min_cluster_size', '100'];
  const fit = await runCli(['fit', input, out, '--text_key', '', '--message_key', 'request.messages[0].content', ...common]);
  assert.equal(fit.code, 0, fit.stderr);
  assert.equal(fs.existsSync(path.join(path.dirname(out), 'True')), false, 'True is a value, not a folder');
  const inference = await runCli(['inference', input, out, ...common]);
  assert.equal(inference.code, 0, inference.stderr);
  const sample = await runCli(['sample', out, ...common, '--sample_size', '10000']);
  assert.equal(sample.code, 0, sample.stderr);
  const status = await runCli(['status', out]);
  assert.match(status.stdout, /enable_umap=true/);
  assert.match(status.stdout, /projection=umap 30-d/);
  // Noise is never sampled.
  const noise = (await queryRows(out, 'SELECT count(*) AS n FROM sample WHERE cluster < 0'))[0];
  assert.equal(Number(noise.n), 0);
});

test("the reference's other flags mean what they mean there", async () => {
  const out = path.join(dir, 'flags');
  const r = await runCli([
    'infer', input, out, '--message_key', 'request.messages[0].content', '--kmeans_num_clusters', '20',
    '--clustering_fit_sample_frac', '0.5', '--umap_viz_dim', '2', '--run_id', '0', '--viz_sample_size', '0', '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: semclust keeps one run per OUTDIR, so --run_id is not needed/);
  assert.match(r.stderr, /note: the map draws every row up to --report-max-points/);
  const status = await runCli(['status', out]);
  assert.match(status.stdout, /fit_rows=1,500/);

  const s = await runCli(['sample', out, '--same_samples_per_cluster', 'True', '--random_sample_within_cluster', 'False', '--sample_size', '40', '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  const st = await runCli(['status', out]);
  assert.match(st.stdout, /per_cluster=equal {2}within=farthest/);

  const viz = await runCli(['fit', input, out, '--umap_viz_dim', '3']);
  assert.equal(viz.code, 2);
  assert.match(viz.stderr, /--umap_viz_dim 3: only 2 is supported/);
});

test('flag parsing answers in its own words', async () => {
  const cases: [string[], RegExp][] = [
    [['embed', input, 'o', '--text-key', '--quiet'], /--text-key needs a value, got the flag --quiet/],
    [['embed', input, 'o', '--toString', '1'], /unknown flag --toString/],
    [['embed', input, 'o', '--constructor', '1'], /unknown flag --constructor/],
    [['embed', input, 'o', '--__proto__', '1'], /unknown flag --__proto__/],
    [['fit', input, 'o', '--kmeans-num-clusters', '0x10'], /--kmeans-num-clusters expects a number, got "0x10"/],
    [['fit', input, 'o', '--kmeans-num-clusters', '7.5'], /--kmeans-num-clusters expects a whole number, got 7\.5/],
    [['fit', input, path.join(dir, 'x'), '--enable-umap', 'maybe'], /--enable-umap takes no value or true\/false .*got "maybe"/],
    [['fit', input, 'o', '--text_key', ''], /--text_key '' means the text is at --message_key, but no --message_key was given/],
    [['fitt', input, 'o'], /unknown command "fitt"; did you mean "fit"\?/],
  ];
  for (const [args, want] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.doesNotMatch(r.stderr, /Cannot read properties|Too small|Invalid input/);
  }
  assert.equal(fs.existsSync('maybe'), false);

  const yaml = path.join(dir, 'proto.yaml');
  fs.writeFileSync(yaml, 'output_dir: o\n__proto__:\n  polluted: 1\n');
  const y = await runCli(['run', yaml]);
  assert.equal(y.code, 2);
  assert.match(y.stderr, /proto\.yaml:2: unknown setting "__proto__"/);
});
