/**
 * Issue 18 items 1 and 2: every scheduler's job rendered with hostile arguments (a line break,
 * quotes, $(…), backticks, `;`, `$$`, spaces in OUTDIR) runs exactly one command, the stage
 * with its arguments unchanged (a recorder stands in for semclust and writes the argv it got),
 * and nothing else runs (no PWNED file appears); an argument that is not UTF-8 is refused
 * before anything is written. A credentialed endpoint appears in no rendered file and no
 * printed line, and still reaches the shard through the environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { launch } from '../../../pipeline/launch/command.js';
import { readRecords, writeRecorder } from '../../support/argv-recorder.js';
import { k8sExpand } from '../../support/k8s-expand.js';
import { CLI, tempDir } from '../../support/paths.js';

const OUT = 'out dir/run $x';
const HOSTILE = [
  'in dir/a $(touch PWNED2).jsonl',
  OUT,
  '--text-key',
  "text\ntouch PWNED'; touch PWNED3 #",
  '--score-key',
  '`touch PWNED4`;"$(touch PWNED5)"\\ $$ $(HOME) ${HOME}',
];

function setup(prefix: string) {
  const dir = tempDir(prefix);
  const recorder = writeRecorder(dir);
  const said: string[] = [];
  const run = (argv: string[]) => launch(argv, (m) => said.push(m), dir);
  return { dir, ...recorder, said, run };
}

/** Every file under dir whose name starts with PWNED: a command that was not the stage ran. */
function pwned(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => path.basename(f).startsWith('PWNED'));
}

function only(records: string): string[] {
  const all = readRecords(records);
  assert.equal(all.length, 1, 'exactly one command ran');
  return all[0].argv;
}

test('slurm: the rendered sbatch script, run by bash as Slurm runs a task, runs the stage once with its arguments unchanged', async () => {
  const s = setup('hostile-slurm');
  assert.equal(await s.run(['slurm', '--shards', '2', '--partition', 'a b"c', '--semclust', s.semclust, '--no-submit', '--', 'embed', ...HOSTILE]), 0);
  const file = path.join(s.dir, OUT, 'launch/slurm/embed.sbatch');
  const text = fs.readFileSync(file, 'utf8');
  for (const line of text.split('\n').filter((l) => l.startsWith('#'))) assert.ok(!/PWNED|touch/.test(line), `a comment carries argument text: ${line}`);
  assert.match(text, /^#SBATCH --output="out dir\/run \$x\/launch\/slurm\/logs\/embed-%A_%a\.log"$/m);
  assert.match(text, /^#SBATCH --partition="a b\\"c"$/m);
  execFileSync('bash', [file], { cwd: s.dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '9' } });
  assert.deepEqual(only(s.records), ['embed', ...HOSTILE, '--shard', '1/2']);
  assert.deepEqual(pwned(s.dir), []);
  assert.equal(fs.readFileSync(path.join(s.dir, OUT, 'launch/slurm/status/9-1.exit'), 'utf8').trim(), '0');
  await assert.rejects(s.run(['slurm', '--shards', '2', '--no-submit', '--', 'embed', 'in.jsonl', 'out\nx']), /OUTDIR .* holds a line break, which an #SBATCH line cannot carry/);
});

test('slurm --account, --qos and --sbatch-arg with $(…), backticks and quotes: written as sbatch reads them, never run; chained stages and split arrays run only the stage; a line break is refused', async () => {
  const s = setup('hostile-slurm-options');
  const evil = `a"b' $(touch PWNED6) \`touch PWNED7\`;x`;
  const argv = ['slurm', '--shards', '3', '--max-array-size', '2', '--stages', 'embed,fit,infer,sample', '--account', evil, '--qos', evil, '--sbatch-arg', `--comment=${evil}`, '--semclust', s.semclust, '--no-submit', '--', 'embed', ...HOSTILE];
  assert.equal(await s.run(argv), 0);
  const dir = path.join(s.dir, OUT, 'launch/slurm');
  const quoted = `"a\\"b' $(touch PWNED6) \`touch PWNED7\`;x"`;
  for (const stage of ['embed', 'fit', 'infer', 'sample']) {
    const text = fs.readFileSync(path.join(dir, `${stage}.sbatch`), 'utf8');
    assert.ok(text.includes(`#SBATCH --account=${quoted}\n#SBATCH --qos=${quoted}\n#SBATCH --comment=${quoted}\n`), text);
  }
  fs.mkdirSync(path.join(dir, 'status'), { recursive: true });
  execFileSync('bash', [path.join(dir, 'embed.sbatch'), '2'], { cwd: s.dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '9' } });
  // --score-key is sample's: embed runs without it, sample with it.
  assert.deepEqual(only(s.records), ['embed', ...HOSTILE.slice(0, 4), '--shard', '2/3']);
  fs.rmSync(s.records, { recursive: true });
  fs.mkdirSync(s.records);
  execFileSync('bash', [path.join(dir, 'sample.sbatch')], { cwd: s.dir, env: { ...process.env, SLURM_JOB_ID: '10' } });
  assert.deepEqual(only(s.records), ['sample', OUT, ...HOSTILE.slice(2)]);
  assert.deepEqual(pwned(s.dir), []);
  for (const [flag, value] of [['--account', 'a\nb'], ['--qos', 'a\rb'], ['--sbatch-arg', '--comment=a\nb']]) {
    await assert.rejects(s.run(['slurm', '--shards', '2', flag, value, '--no-submit', '--', 'embed', 'in.jsonl', 'out2']), /line break|on one line/, flag);
  }
});

test('k8s: the Indexed Job\'s command, expanded as the kubelet expands it, is the stage command unchanged', async () => {
  const s = setup('hostile-k8s');
  assert.equal(await s.run(['k8s', '--shards', '2', '--image', 'i', '--pvc', 'd', '--mount-path', '/data', '--semclust', s.semclust, '--no-submit', '--', 'embed', ...HOSTILE]), 0);
  const job = parse(fs.readFileSync(path.join(s.dir, OUT, 'launch/k8s/embed-job.yaml'), 'utf8'));
  const [c] = job.spec.template.spec.containers;
  const command = (c.command as string[]).map((w) => k8sExpand(w, { HOME: '/root' }));
  execFileSync(command[0], command.slice(1), { cwd: s.dir, env: { ...process.env, JOB_COMPLETION_INDEX: '1' } });
  assert.deepEqual(only(s.records), ['embed', ...HOSTILE, '--num-shards', '2']);
  assert.deepEqual(pwned(s.dir), []);
});

test('batch: the container command, run by sh, runs the stage once with its arguments unchanged', async () => {
  const s = setup('hostile-batch');
  assert.equal(await s.run(['batch', '--shards', '2', '--image', 'i', '--mount-path', s.dir, '--semclust', s.semclust, '--no-submit', '--', 'embed', ...HOSTILE]), 0);
  const def = JSON.parse(fs.readFileSync(path.join(s.dir, OUT, 'launch/batch/embed-job-definition.json'), 'utf8'));
  const [exe, ...args] = def.containerProperties.command;
  execFileSync(exe, args, { cwd: '/', env: { ...process.env, AWS_BATCH_JOB_ARRAY_INDEX: '0' } });
  assert.deepEqual(only(s.records), ['embed', ...HOSTILE, '--num-shards', '2']);
  assert.deepEqual(pwned(s.dir), []);
});

test('ray: a shard\'s entrypoint and submit.sh, run by sh, do only what they say', async () => {
  const s = setup('hostile-ray');
  const address = 'http://127.0.0.1:1/$(touch PWNED6)}`touch PWNED7`';
  assert.equal(await s.run(['ray', '--shards', '2', '--ray-address', address, '--semclust', s.semclust, '--no-submit', '--', 'embed', ...HOSTILE]), 0);
  const body = JSON.parse(fs.readFileSync(path.join(s.dir, OUT, 'launch/ray/embed-shard-1.json'), 'utf8'));
  execFileSync('sh', ['-c', body.entrypoint], { cwd: '/' });
  assert.deepEqual(only(s.records), ['embed', ...HOSTILE, '--shard', '1/2']);
  // submit.sh posts to the address (nothing listens on port 1): curl fails, and nothing else runs.
  const submit = spawnSync('sh', [path.join(s.dir, OUT, 'launch/ray/submit.sh')], { cwd: s.dir, env: { ...process.env, RAY_ADDRESS: '' } });
  assert.notEqual(submit.status, 0);
  assert.deepEqual(pwned(s.dir), []);
});

test('launch local (the CLI): each shard gets the arguments unchanged; a word that is not UTF-8 is refused before anything is written', async () => {
  const s = setup('hostile-local');
  const args = ['launch', 'local', '--shards', '1', '--semclust', s.semclust, '--', 'embed', ...HOSTILE];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: s.dir, encoding: 'utf8', env: { ...process.env, EXPECT_SHARDS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(only(s.records), ['embed', ...HOSTILE, '--shard', '0/1']);
  assert.deepEqual(pwned(s.dir), []);
  // A file name with byte 0xff, as bash passes it: Node would read it as U+FFFD.
  const bad = spawnSync('bash', ['-c', `exec "$0" "$1" launch slurm --shards 2 --no-submit -- embed $'in\\xff.jsonl' out`, process.execPath, CLI], { cwd: s.dir, encoding: 'utf8' });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /holds bytes that are not UTF-8 .*launch could not pass it on unchanged/);
  assert.ok(!fs.existsSync(path.join(s.dir, 'out')), 'nothing rendered');
});

const PASSWORD = 'S3cretPass';
const KEY = 'K3yValue99';
const ENDPOINT = `http://user:${PASSWORD}@127.0.0.1:8000/v1?api-key=${KEY}`;
const SECRETS = [PASSWORD, KEY, Buffer.from(`user:${PASSWORD}`).toString('base64')];

function assertClean(what: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${what} holds a credential: ${text}`);
}

function renderedText(dir: string): string {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

test('a credentialed endpoint is in no rendered file and no printed line, for every scheduler; each job reads it from its environment', async () => {
  const s = setup('secrets');
  const stage = ['embed', 'in.jsonl', 'out', '--embedding-endpoint', ENDPOINT, '--text-key', 'body'];
  const want = (tail: string[]) => ['embed', 'in.jsonl', 'out', '--embedding-endpoint', ENDPOINT, '--text-key', 'body', ...tail];
  const env = { ...process.env, SEMCLUST_EMBEDDING_ENDPOINT: ENDPOINT };
  const common = ['--semclust', s.semclust, '--no-submit'];
  assert.equal(await s.run(['slurm', '--shards', '2', ...common, '--', ...stage]), 0);
  assert.equal(await s.run(['k8s', '--shards', '2', '--image', 'i', '--pvc', 'd', '--mount-path', '/data', ...common, '--', ...stage]), 0);
  assert.equal(await s.run(['batch', '--shards', '2', '--image', 'i', ...common, '--', ...stage.map((w) => (w === ENDPOINT ? `--embedding-endpoint=${ENDPOINT}` : w)).filter((w) => w !== '--embedding-endpoint')]), 0);
  assert.equal(await s.run(['ray', '--shards', '2', ...common, '--', ...stage]), 0);
  assertClean('the rendered files', renderedText(path.join(s.dir, 'out/launch')));
  assertClean('what launch said', s.said.join('\n'));
  assert.ok(s.said.some((m) => m.startsWith('credentials: SEMCLUST_EMBEDDING_ENDPOINT stands for the URL')), s.said.join('\n'));

  // Slurm: sbatch exports the submitter's environment; without the variable the task stops before semclust.
  const sbatch = path.join(s.dir, 'out/launch/slurm/embed.sbatch');
  const missing = spawnSync('bash', [sbatch], { cwd: s.dir, encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '5' } });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /SEMCLUST_EMBEDDING_ENDPOINT: set SEMCLUST_EMBEDDING_ENDPOINT to the endpoint URL/);
  assert.equal(readRecords(s.records).length, 0, 'semclust did not start');
  execFileSync('bash', [sbatch], { cwd: s.dir, env: { ...env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '5' } });
  assert.deepEqual(only(s.records), want(['--shard', '0/2']));
  fs.rmSync(s.records, { recursive: true });
  fs.mkdirSync(s.records);

  // Kubernetes: the pod's env takes the variable from the Secret, the kubelet expands $(NAME).
  const job = parse(fs.readFileSync(path.join(s.dir, 'out/launch/k8s/embed-job.yaml'), 'utf8'));
  const [c] = job.spec.template.spec.containers;
  assert.deepEqual(c.env, [{ name: 'SEMCLUST_EMBEDDING_ENDPOINT', valueFrom: { secretKeyRef: { name: 'semclust-embed-credentials', key: 'SEMCLUST_EMBEDDING_ENDPOINT' } } }]);
  const command = (c.command as string[]).map((w) => k8sExpand(w, { SEMCLUST_EMBEDDING_ENDPOINT: ENDPOINT }));
  execFileSync(command[0], command.slice(1), { cwd: s.dir });
  assert.deepEqual(only(s.records), want(['--num-shards', '2']));
  fs.rmSync(s.records, { recursive: true });
  fs.mkdirSync(s.records);

  // Batch: a secrets entry (its ARN for the user to fill in) and sh -c reading the variable.
  const def = JSON.parse(fs.readFileSync(path.join(s.dir, 'out/launch/batch/embed-job-definition.json'), 'utf8'));
  assert.deepEqual(def.containerProperties.secrets, [{ name: 'SEMCLUST_EMBEDDING_ENDPOINT', valueFrom: 'ARN_OF_THE_SECRET' }]);
  const [exe, ...args] = def.containerProperties.command;
  execFileSync(exe, args, { cwd: s.dir, env });
  assert.deepEqual(only(s.records), want(['--num-shards', '2']));
  fs.rmSync(s.records, { recursive: true });
  fs.mkdirSync(s.records);

  // Ray: the entrypoint reads the variable from the node's environment.
  const body = JSON.parse(fs.readFileSync(path.join(s.dir, 'out/launch/ray/embed-shard-0.json'), 'utf8'));
  execFileSync('sh', ['-c', body.entrypoint], { cwd: '/', env });
  assert.deepEqual(only(s.records), want(['--shard', '0/2']));
});

test('launch local with a credentialed endpoint: the shard gets it, and no output line (a failed shard\'s rerun included) shows it', async () => {
  const s = setup('secrets-local');
  const args = ['launch', 'local', '--shards', '2', '--semclust', s.semclust, '--', 'embed', 'in.jsonl', 'out', '--embedding-endpoint', ENDPOINT];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: s.dir, encoding: 'utf8', env: { ...process.env, FAIL_SHARD: '1', EXPECT_SHARDS: '2' } });
  assert.equal(r.status, 1);
  assertClean('stdout and stderr', r.stdout + r.stderr);
  assert.match(r.stderr, /rerun it: .*recorder\.mjs embed in\.jsonl out --embedding-endpoint "\$SEMCLUST_EMBEDDING_ENDPOINT" --shard 1\/2/);
  assert.deepEqual(readRecords(s.records).map((x) => x.argv.slice(0, 5)), [0, 1].map(() => ['embed', 'in.jsonl', 'out', '--embedding-endpoint', ENDPOINT]));
});
