import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../../../pipeline/settings/flags.js';
import { SettingsError, loadPipelineFile, resolveSettings } from '../../../pipeline/settings/settings.js';
import { pipelineJsonSchema } from '../../../schemas/json-schema.js';
import { REPO, tempDir } from '../../support/paths.js';
import { runCli } from '../../support/cli.js';

test('flags take kebab-case and the reference snake_case spellings, typed by the schema', () => {
  const a = parseArgs(['in.jsonl', 'out', '--text-key', 'body', '--batch_size=64', '--enable-umap', '--stages', 'embed,fit', '--fit-sample', '0.1']);
  assert.deepEqual(a.positionals, ['in.jsonl', 'out']);
  const s = resolveSettings([a.settings]);
  assert.equal(s.text_key, 'body');
  assert.equal(s.batch_size, 64);
  assert.equal(s.enable_umap, true);
  assert.deepEqual(s.stages, ['embed', 'fit']);
  assert.equal(s.fit_sample, 0.1);
  assert.equal(s.kmeans_num_clusters, 1000, 'defaults fill the rest');
});

test('a list flag given twice adds to the list: --facet genre --facet meta.source,lang', () => {
  const s = resolveSettings([parseArgs(['--facet', 'genre', '--facet', 'meta.source,lang']).settings]);
  assert.deepEqual(s.facet, ['genre', 'meta.source', 'lang']);
  assert.deepEqual(resolveSettings([parseArgs([]).settings]).facet, []);
  assert.throws(() => resolveSettings([parseArgs(['--facet', 'meta..genre']).settings]), (e: Error) => e instanceof SettingsError && /^command line: --facet meta\.\.genre: invalid key path/.test(e.message));
});

test('a mistyped flag or value fails with the allowed spelling or values', () => {
  assert.throws(() => parseArgs(['--kmeans-num-cluster', '5']), (e: Error) => e instanceof SettingsError && /did you mean --kmeans-num-clusters/.test(e.message));
  assert.throws(() => parseArgs(['--batch-size', 'lots']), /--batch-size expects a number, got "lots"/);
  assert.throws(() => resolveSettings([parseArgs(['--within', 'spread']).settings]), /within: must be one of "random", "diverse"/);
  assert.throws(() => resolveSettings([parseArgs(['--fit-sample', '2.5']).settings]), /--fit-sample: .*a fraction in \(0, 1\] or a whole row count/);
});

test('an enum error names the flag as the user typed it, and the key in a pipeline file (issue 18 item 14)', () => {
  for (const flag of ['--cluster-alg', '--cluster_alg']) {
    assert.throws(() => resolveSettings([parseArgs([flag, 'dbscan']).settings]), (e: Error) => e.message === `command line: ${flag}: must be one of "kmeans", "hdbscan"`);
  }
  const dir = tempDir('enum-yaml');
  const file = path.join(dir, 'p.yaml');
  fs.writeFileSync(file, 'cluster_alg: dbscan\n');
  assert.throws(() => resolveSettings([loadPipelineFile(file)]), (e: Error) => e.message === `${file}: cluster_alg: must be one of "kmeans", "hdbscan"`);
  // A flag that overrides the file's value is named as typed; the file's key when the file's value stands.
  assert.throws(() => resolveSettings([parseArgs(['--cluster-alg', 'dbscan']).settings, loadPipelineFile(file)]), /p\.yaml: cluster_alg: must be one of/);
});

test('an unknown YAML tag is refused naming file, line and tag, not read as a string (issue 18 item 8)', () => {
  const dir = tempDir('yaml-tag');
  const file = path.join(dir, 'p.yaml');
  for (const [text, tag] of [
    ["input: in.jsonl\ntext_key: !!js/function 'function () { return 1 }'\n", 'tag:yaml.org,2002:js/function'],
    ['input: in.jsonl\ntext_key: !custom body\n', '!custom'],
  ]) {
    fs.writeFileSync(file, text);
    assert.throws(() => loadPipelineFile(file), (e: Error) => e instanceof SettingsError && e.message.startsWith(`${file}:2:`) && e.message.includes(`: unknown YAML tag ${tag};`));
  }
  fs.writeFileSync(file, 'input: in.jsonl\ntext_key: !!str body\n');
  assert.equal(loadPipelineFile(file).values.text_key, 'body', 'the standard tags still resolve');
});

test('pipeline YAML: unknown keys name the key and a suggestion; paths are relative to the file', () => {
  const dir = tempDir('yaml');
  const good = path.join(dir, 'p.yaml');
  fs.writeFileSync(good, 'input: data/x.jsonl\noutput_dir: out\nkmeans_num_clusters: 7\n');
  const layer = loadPipelineFile(good);
  const s = resolveSettings([layer, parseArgs(['--kmeans-num-clusters', '9']).settings]);
  assert.equal(s.input, path.join(dir, 'data/x.jsonl'));
  assert.equal(s.output_dir, path.join(dir, 'out'));
  assert.equal(s.kmeans_num_clusters, 9, 'flags override the file');

  const bad = path.join(dir, 'bad.yaml');
  fs.writeFileSync(bad, 'input: x\nembeding_model: static\nper_cluster: most\n');
  assert.throws(
    () => resolveSettings([loadPipelineFile(bad)]),
    (e: Error) => e.message.includes(`${bad}: unknown setting "embeding_model"; did you mean "embedding_model"?`) && e.message.includes(`${bad}: per_cluster: must be one of "equal", "sqrt"`),
  );
  const broken = path.join(dir, 'broken.yaml');
  fs.writeFileSync(broken, 'input: [a, b\n');
  assert.throws(() => loadPipelineFile(broken), new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML`));
});

test('the published JSON Schema is the one the settings schema generates', () => {
  const committed = fs.readFileSync(path.join(REPO, 'schemas', 'pipeline.schema.json'), 'utf8');
  assert.equal(committed, pipelineJsonSchema(), 'run npm run schema and commit the result');
  const schema = JSON.parse(committed);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.properties.per_cluster.enum, ['equal', 'sqrt', 'balanced']);
  assert.deepEqual(schema.properties.within.enum, ['random', 'diverse', 'farthest', 'top', 'weighted']);
});

test('the CLI exits 2 with usage for bad invocations and 0 for --help', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /semclust run examples\/sotu-kmeans\.yaml/);
  assert.match(help.stdout, /--message-key/);
  const embedHelp = await runCli(['embed', '--help']);
  assert.match(embedHelp.stdout, /--message-key "request\.messages\[0\]\.content"/);
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const missing = await runCli(['embed', 'only-one-arg']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /its input is unknown: give INPUT\.\.\. only-one-arg/);
  const noFile = await runCli(['embed', 'does-not-exist.jsonl', tempDir('nofile')]);
  assert.equal(noFile.code, 1);
  assert.match(noFile.stderr, /input "does-not-exist\.jsonl" matches no file/);
});
