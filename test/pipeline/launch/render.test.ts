/**
 * `semclust launch` renders each scheduler's job into OUTDIR/launch/<scheduler>/: the files
 * parse to the fields the scheduler reads, and the command each shard would run is executed
 * (with a recorder standing in for semclust) so its quoting and shard index are checked for real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { launch } from '../../../pipeline/launch/command.js';
import { readRecords, writeRecorder } from '../../support/argv-recorder.js';
import { k8sExpand } from '../../support/k8s-expand.js';
import { tempDir } from '../../support/paths.js';

/** A folder with an input file and the recorder; launch runs in it, messages collected. */
function setup(prefix: string) {
  const dir = tempDir(prefix);
  fs.writeFileSync(path.join(dir, 'in put.jsonl'), '{"text":"a"}\n');
  const recorder = writeRecorder(dir);
  const said: string[] = [];
  const run = (argv: string[]) => launch(argv, (m) => said.push(m), dir);
  return { dir, ...recorder, said, run };
}

/** A stage flag whose value needs quoting in every shell the jobs use. */
const TRICKY = `it's "$HOME" & more`;

test('slurm: an sbatch --array=0-3 script with the resource lines, whose task i runs the stage command with --shard i/4', async () => {
  const s = setup('launch-slurm-render');
  const code = await s.run(['slurm', '--shards', '4', '--cpus', '2', '--mem', '4G', '--time', '90m', '--partition', 'debug', '--gpus', '1', '--semclust', s.semclust, '--no-submit', '--', 'embed', 'in put.jsonl', 'out', '--text-key', TRICKY]);
  assert.equal(code, 0);
  const file = path.join(s.dir, 'out/launch/slurm/embed.sbatch');
  const text = fs.readFileSync(file, 'utf8');
  const directives = [...text.matchAll(/^#SBATCH (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(directives, [
    '--job-name=semclust-embed',
    '--array=0-3',
    `--chdir=${s.dir}`,
    '--output=out/launch/slurm/logs/embed-%A_%a.log',
    '--partition=debug',
    '--cpus-per-task=2',
    '--mem=4096M',
    '--gres=gpu:1',
    '--time=01:30:00',
  ]);
  assert.ok(s.said.some((m) => m.includes('sbatch out/launch/slurm/embed.sbatch')), 'prints the submit command');
  // The script itself, run by bash as Slurm would run task 2 of job 77.
  fs.mkdirSync(path.join(s.dir, 'out/launch/slurm/status'), { recursive: true });
  execFileSync('bash', [file], { cwd: s.dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_JOB_ID: '77', SLURM_ARRAY_TASK_COUNT: '4' } });
  const [record] = readRecords(s.records);
  assert.deepEqual(record.argv, ['embed', 'in put.jsonl', 'out', '--text-key', TRICKY, '--shard', '2/4']);
  assert.equal(fs.readFileSync(path.join(s.dir, 'out/launch/slurm/status/77-2.exit'), 'utf8').trim(), '0');
});

test('k8s: an Indexed Job (completions 4, parallelism, image, PVC at the mount path) whose pods run with --num-shards 4 from the volume', async () => {
  const s = setup('launch-k8s-render');
  const code = await s.run(['k8s', '--shards', '4', '--parallelism', '2', '--image', 'ghcr.io/me/semclust:1', '--pvc', 'data', '--mount-path', '/data', '--cpus', '4', '--mem', '8G', '--gpus', '1', '--time', '2h', '--namespace', 'ml', '--no-submit', '--', 'infer', 'out/run', '--text-key', TRICKY]);
  assert.equal(code, 0);
  const docs = parse(fs.readFileSync(path.join(s.dir, 'out/run/launch/k8s/infer-job.yaml'), 'utf8'));
  assert.equal(docs.apiVersion, 'batch/v1');
  assert.equal(docs.kind, 'Job');
  assert.deepEqual(docs.metadata.name, 'semclust-infer');
  assert.equal(docs.metadata.namespace, 'ml');
  assert.equal(docs.spec.completionMode, 'Indexed');
  assert.equal(docs.spec.completions, 4);
  assert.equal(docs.spec.parallelism, 2);
  assert.equal(docs.spec.activeDeadlineSeconds, 7200);
  const pod = docs.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  const [c] = pod.containers;
  assert.equal(c.image, 'ghcr.io/me/semclust:1');
  // As the kubelet runs it: `$` is written `$$`, which it reads back as `$`.
  assert.deepEqual(c.command.map((w: string) => k8sExpand(w, { HOME: '/root' })), ['semclust', 'infer', 'out/run', '--text-key', TRICKY, '--num-shards', '4']);
  assert.equal(c.workingDir, '/data');
  assert.deepEqual(c.resources, { requests: { cpu: '4', memory: '8192Mi' }, limits: { 'nvidia.com/gpu': '1' } });
  assert.deepEqual(c.volumeMounts, [{ name: 'out', mountPath: '/data' }]);
  assert.deepEqual(pod.volumes, [{ name: 'out', persistentVolumeClaim: { claimName: 'data' } }]);
  assert.ok(s.said.some((m) => m.includes('kubectl apply -n ml -f out/run/launch/k8s/infer-job.yaml')));
});

test('k8s refuses a job without image or volume, and an OUTDIR outside the mounted volume', async () => {
  const s = setup('launch-k8s-errors');
  await assert.rejects(s.run(['k8s', '--shards', '2', '--pvc', 'd', '--mount-path', '/data', '--', 'embed', 'in.jsonl', 'out']), /--image IMAGE/);
  await assert.rejects(s.run(['k8s', '--shards', '2', '--image', 'i', '--', 'embed', 'in.jsonl', 'out']), /--pvc CLAIM and --mount-path/);
  await assert.rejects(s.run(['k8s', '--shards', '2', '--image', 'i', '--pvc', 'd', '--mount-path', '/data', '--', 'embed', 'in.jsonl', '/scratch/out']), /OUTDIR \/scratch\/out is not inside --mount-path \/data/);
  await assert.rejects(s.run(['k8s', '--shards', '2', '--image', 'i', '--pvc', 'd', '--mount-path', '/data', '--', 'embed', 'in.jsonl', '../out']), /not inside --mount-path/);
});

test('batch: a job definition and an array submission of size 4; the container command, run by sh, starts each shard on the volume with --num-shards 4', async () => {
  const s = setup('launch-batch-render');
  const volume = path.join(s.dir, 'volume');
  fs.mkdirSync(volume);
  const code = await s.run(['batch', '--shards', '4', '--image', 'acct.dkr.ecr/semclust:1', '--efs', 'fs-0123', '--mount-path', volume, '--cpus', '8', '--mem', '16G', '--gpus', '1', '--time', '1:00:00', '--job-queue', 'gpu-q', '--semclust', s.semclust, '--no-submit', '--', 'embed', 'in put.jsonl', 'out', '--text-key', TRICKY]);
  assert.equal(code, 0);
  const def = JSON.parse(fs.readFileSync(path.join(s.dir, 'out/launch/batch/embed-job-definition.json'), 'utf8'));
  const sub = JSON.parse(fs.readFileSync(path.join(s.dir, 'out/launch/batch/embed-submit-job.json'), 'utf8'));
  assert.equal(def.jobDefinitionName, 'semclust-embed');
  assert.equal(def.type, 'container');
  assert.equal(def.containerProperties.image, 'acct.dkr.ecr/semclust:1');
  assert.deepEqual(def.containerProperties.resourceRequirements, [
    { type: 'VCPU', value: '8' },
    { type: 'MEMORY', value: '16384' },
    { type: 'GPU', value: '1' },
  ]);
  assert.deepEqual(def.containerProperties.volumes, [{ name: 'out', efsVolumeConfiguration: { fileSystemId: 'fs-0123', transitEncryption: 'ENABLED' } }]);
  assert.deepEqual(def.containerProperties.mountPoints, [{ sourceVolume: 'out', containerPath: volume, readOnly: false }]);
  assert.deepEqual(def.timeout, { attemptDurationSeconds: 3600 });
  assert.deepEqual(sub, { jobName: 'semclust-embed', jobQueue: 'gpu-q', jobDefinition: 'semclust-embed', arrayProperties: { size: 4 } });
  const [exe, ...args] = def.containerProperties.command;
  execFileSync(exe, args, { env: { ...process.env, AWS_BATCH_JOB_ARRAY_INDEX: '3' } });
  const [record] = readRecords(s.records);
  assert.deepEqual(record.argv, ['embed', 'in put.jsonl', 'out', '--text-key', TRICKY, '--num-shards', '4']);
  assert.equal(record.env.AWS_BATCH_JOB_ARRAY_INDEX, '3');
  assert.equal(fs.realpathSync(record.cwd), fs.realpathSync(volume));
  await assert.rejects(s.run(['batch', '--shards', '1', '--image', 'i', '--', 'embed', 'in.jsonl', 'out']), /2 to 10,000 children, not 1/);
});

test('ray: one Jobs REST body per shard (entrypoint with --shard i/4, entrypoint_num_gpus); submit.sh, and launch given --ray-address, post exactly those bodies to POST /api/jobs/', async () => {
  const s = setup('launch-ray-render');
  const code = await s.run(['ray', '--shards', '4', '--gpus', '1', '--cpus', '2', '--semclust', s.semclust, '--no-submit', '--', 'embed', 'in put.jsonl', 'out', '--text-key', TRICKY]);
  assert.equal(code, 0);
  const bodies = [0, 1, 2, 3].map((i) => JSON.parse(fs.readFileSync(path.join(s.dir, `out/launch/ray/embed-shard-${i}.json`), 'utf8')));
  for (const [i, b] of bodies.entries()) {
    assert.equal(b.entrypoint_num_gpus, 1);
    assert.equal(b.entrypoint_num_cpus, 2);
    assert.deepEqual(b.metadata, { job_name: 'semclust-embed', shard: `${i}/4` });
  }
  // Each entrypoint is a shell command line, run by Ray from a scratch folder.
  execFileSync('sh', ['-c', bodies[1].entrypoint], { cwd: '/' });
  const [record] = readRecords(s.records);
  assert.deepEqual(record.argv, ['embed', 'in put.jsonl', 'out', '--text-key', TRICKY, '--shard', '1/4']);
  assert.equal(fs.realpathSync(record.cwd), fs.realpathSync(s.dir));

  // Ray itself is not installed here: a 127.0.0.1 server speaking the Jobs API's POST /api/jobs/ receives submit.sh's requests.
  const received: { method?: string; url?: string; type?: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ job_id: `raysubmit_${received.length}`, submission_id: `raysubmit_${received.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Not execFileSync: the server answers on this thread's event loop.
    const { stdout } = await promisify(execFile)('sh', [path.join(s.dir, 'out/launch/ray/submit.sh')], { cwd: s.dir, env: { ...process.env, RAY_ADDRESS: address } });
    assert.equal(stdout.trim().split('\n').length, 4, 'one answer per shard');
    // Given an address, launch posts the same bodies itself.
    s.said.length = 0;
    assert.equal(await s.run(['ray', '--shards', '4', '--gpus', '1', '--cpus', '2', '--ray-address', address, '--semclust', s.semclust, '--', 'embed', 'in put.jsonl', 'out', '--text-key', TRICKY]), 0);
    assert.deepEqual(s.said.filter((m) => m.startsWith('ray: shard')), [0, 1, 2, 3].map((i) => `ray: shard ${i}/4 submitted as raysubmit_${5 + i}`));
  } finally {
    server.close();
  }
  assert.deepEqual(received.map((r) => [r.method, r.url, r.type]), Array(8).fill(['POST', '/api/jobs/', 'application/json']));
  assert.deepEqual(received.map((r) => r.body), [...bodies, ...bodies]);
});

test('without the client on PATH, launch prints the exact commands that submit the rendered files', async () => {
  const s = setup('launch-print');
  const saved = process.env.PATH;
  process.env.PATH = path.join(s.dir, 'empty-bin');
  try {
    assert.equal(await s.run(['slurm', '--shards', '3', '--', 'embed', 'in put.jsonl', 'out']), 0);
    assert.equal(await s.run(['k8s', '--shards', '3', '--image', 'i', '--pvc', 'd', '--mount-path', '/v', '--', 'embed', 'in put.jsonl', 'out2']), 0);
  } finally {
    process.env.PATH = saved;
  }
  const text = s.said.join('\n');
  assert.match(text, /not submitted \(sbatch is not on PATH\); to submit, run:\n {2}sbatch out\/launch\/slurm\/embed.sbatch/);
  assert.match(text, /not submitted \(kubectl is not on PATH\); to submit, run:\n {2}kubectl apply -f out2\/launch\/k8s\/embed-job.yaml/);
});

test('launch refuses what cannot be sharded or is mistyped, before rendering anything', async () => {
  const s = setup('launch-usage');
  const cases: [string[], RegExp][] = [
    [['slurm', '--shards', '2', '--', 'embed', '-', 'out'], /stdin \(-\) cannot be sharded/],
    [['slurm', '--shards', '2', '--', 'fit', 'out'], /"fit" does not run in shards; launch runs embed, infer, dedup/],
    [['slurm', '--shards', '2', '--', 'embed', 'in.jsonl', 'out', '--shard', '0/2'], /leave it out: launch gives each shard its own --shard i\/N/],
    [['slurm', '--shards', '2', '--', 'embed', 'in.jsonl', 'out', '--text-kee', 'x'], /unknown flag --text-kee; did you mean --text-key\?/],
    [['slurm', '--shard', '2', '--', 'embed', 'in.jsonl', 'out'], /unknown launch option --shard; did you mean --shards\?/],
    [['slurm', '--', 'embed', 'in.jsonl', 'out'], /--shards N is required/],
    [['slurm', '--shards', '0', '--', 'embed', 'in.jsonl', 'out'], /--shards: /],
    [['slurm', '--shards', '2', '--mem', 'lots', '--', 'embed', 'in.jsonl', 'out'], /--mem: "lots" is not a size/],
    [['slurm', '--shards', '2', '--only', '2', '--', 'embed', 'in.jsonl', 'out'], /--only 2: shards are numbered 0 to 1/],
    [['pbs', '--shards', '2', '--', 'embed', 'in.jsonl', 'out'], /unknown scheduler "pbs": write one of local, slurm, k8s, batch, ray/],
    [['slurm', '--shards', '2', 'embed', 'in.jsonl', 'out'], /no -- before the stage command/],
    [['slurm', '--shards', '2', 'embed', '--', 'in.jsonl', 'out'], /unexpected "embed" before --; the stage command goes after --/],
    [['slurm', '--shards', '2', '--', 'embed', 'out'], /embed needs INPUT\.\.\. OUTDIR, got only out/],
  ];
  for (const [argv, message] of cases) await assert.rejects(s.run(argv), message, argv.join(' '));
  assert.deepEqual(fs.readdirSync(s.dir).sort(), ['in put.jsonl', 'recorder.mjs', 'records']);
});

test('slurm: --max-concurrent throttles the array, --account, --qos and each --sbatch-arg become #SBATCH lines; options semclust sets are refused', async () => {
  const s = setup('launch-slurm-options');
  const code = await s.run(['slurm', '--shards', '64', '--max-concurrent', '8', '--account', 'ml', '--qos', 'high', '--sbatch-arg', '--constraint=a100', '--sbatch-arg=--exclusive', '--sbatch-arg', '--comment=two words', '--no-submit', '--', 'embed', 'in put.jsonl', 'out']);
  assert.equal(code, 0);
  const directives = [...fs.readFileSync(path.join(s.dir, 'out/launch/slurm/embed.sbatch'), 'utf8').matchAll(/^#SBATCH (.*)$/gm)].map((m) => m[1]);
  assert.equal(directives[1], '--array=0-63%8');
  assert.deepEqual(directives.slice(4), ['--account=ml', '--qos=high', '--constraint=a100', '--exclusive', '--comment="two words"']);
  const refused: [string, RegExp][] = [
    ['--time=1:00:00', /--sbatch-arg: --time is set by semclust launch; use launch's --time/],
    ['--array=0-3', /--array is set by semclust launch; use launch's --shards \/ --only \/ --max-concurrent/],
    ['--dependency=afterok:1', /use launch's --stages/],
    ['--export=NONE', /--export is set by semclust launch$/],
    ['-A ml', /is not one sbatch option: write --key=value/],
    ['constraint=a100', /is not one sbatch option/],
    ['--comment=a\nb', /is not one sbatch option/],
  ];
  for (const [arg, message] of refused) await assert.rejects(s.run(['slurm', '--shards', '2', '--sbatch-arg', arg, '--', 'embed', 'in put.jsonl', 'out2']), message, arg);
  assert.ok(!fs.existsSync(path.join(s.dir, 'out2')), 'nothing rendered for a refused option');
});

test('slurm: 2500 shards past a MaxArraySize of 1001 are three arrays (0-1000, 0-1000 from 1001, 0-497 from 2002) of one script; task t of the second array is shard 1001+t', async () => {
  const s = setup('launch-slurm-split');
  const code = await s.run(['slurm', '--shards', '2500', '--max-array-size', '1001', '--max-concurrent', '50', '--semclust', s.semclust, '--no-submit', '--', 'embed', 'in put.jsonl', 'out']);
  assert.equal(code, 0);
  const dir = path.join(s.dir, 'out/launch/slurm');
  assert.match(fs.readFileSync(path.join(dir, 'embed.sbatch'), 'utf8'), /^#SBATCH --array=0-1000%50$/m);
  const submit = fs.readFileSync(path.join(dir, 'submit.sh'), 'utf8');
  assert.deepEqual(submit.split('\n').filter((l) => l.includes('sbatch --parsable')), [
    "embed_0=$(sbatch --parsable out/launch/slurm/embed.sbatch | cut -d';' -f1)",
    "embed_1=$(sbatch --parsable out/launch/slurm/embed.sbatch 1001 | cut -d';' -f1)",
    "embed_2=$(sbatch --parsable --array=0-497%50 out/launch/slurm/embed.sbatch 2002 | cut -d';' -f1)",
  ]);
  assert.ok(s.said.includes('  bash out/launch/slurm/submit.sh'), s.said.join('\n'));
  // Task 7 of the second array, as Slurm runs it: the script's argument is 1001.
  fs.mkdirSync(path.join(dir, 'status'), { recursive: true });
  execFileSync('bash', [path.join(dir, 'embed.sbatch'), '1001'], { cwd: s.dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_JOB_ID: '90' } });
  assert.deepEqual(readRecords(s.records)[0].argv.slice(-2), ['--shard', '1008/2500']);
  // An argument that is not a number stops the task before semclust runs.
  const bad = spawnSync('bash', [path.join(dir, 'embed.sbatch'), '1+$(touch PWNED)'], { cwd: s.dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '91' } });
  assert.equal(bad.status, 2);
  assert.equal(readRecords(s.records).length, 1);
  assert.ok(!fs.existsSync(path.join(s.dir, 'PWNED')));
});

test('slurm --stages embed,fit,infer,sample: a script per stage, fit and sample one task with their own flags, and submit.sh chains them with afterok, as sbatch --parsable answers', async () => {
  const s = setup('launch-slurm-chain');
  const code = await s.run(['slurm', '--shards', '3', '--stages', 'embed,fit,infer,sample', '--semclust', s.semclust, '--no-submit', '--', 'embed', 'in put.jsonl', 'out', '--text-key', TRICKY, '--kmeans-num-clusters', '5', '--sample-size', '10']);
  assert.equal(code, 0);
  const dir = path.join(s.dir, 'out/launch/slurm');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.sbatch')).sort(), ['embed.sbatch', 'fit.sbatch', 'infer.sbatch', 'sample.sbatch']);
  const fit = fs.readFileSync(path.join(dir, 'fit.sbatch'), 'utf8');
  assert.doesNotMatch(fit, /--array/);
  assert.match(fit, /^#SBATCH --output=out\/launch\/slurm\/logs\/fit-%j\.log$/m);
  assert.match(fit, /^#SBATCH --job-name=semclust-fit$/m);
  // A stand-in sbatch on PATH answers --parsable with the next job id and records its arguments.
  const bin = path.join(s.dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'sbatch'), `#!/bin/bash\nn=$(( $(wc -l < "${bin}/calls" 2>/dev/null || echo 0) + 101 ))\necho "$*" >> "${bin}/calls"\necho "$n;cluster"\n`, { mode: 0o755 });
  const out = execFileSync('bash', [path.join(dir, 'submit.sh')], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.deepEqual(fs.readFileSync(path.join(bin, 'calls'), 'utf8').trim().split('\n'), [
    '--parsable out/launch/slurm/embed.sbatch',
    '--parsable --dependency=afterok:101 --kill-on-invalid-dep=yes out/launch/slurm/fit.sbatch',
    '--parsable --dependency=afterok:102 --kill-on-invalid-dep=yes out/launch/slurm/infer.sbatch',
    '--parsable --dependency=afterok:103 --kill-on-invalid-dep=yes out/launch/slurm/sample.sbatch',
  ]);
  assert.match(out, /submitted sample: 104/);
  // Each stage's script, run by bash as Slurm would, runs that stage with its own flags.
  fs.mkdirSync(path.join(dir, 'status'), { recursive: true });
  for (const stage of ['fit', 'sample']) execFileSync('bash', [path.join(dir, `${stage}.sbatch`)], { cwd: s.dir, env: { ...process.env, SLURM_JOB_ID: '5' } });
  assert.deepEqual(readRecords(s.records).map((r) => r.argv).sort(), [
    ['fit', 'out', '--text-key', TRICKY, '--kmeans-num-clusters', '5'],
    ['sample', 'out', '--text-key', TRICKY, '--kmeans-num-clusters', '5', '--sample-size', '10'],
  ]);
  assert.equal(fs.readFileSync(path.join(dir, 'status/5.exit'), 'utf8').trim(), '0');
  await assert.rejects(s.run(['slurm', '--shards', '2', '--stages', 'fit,embed', '--', 'embed', 'in put.jsonl', 'o2']), /--stages: stages out of order/);
  await assert.rejects(s.run(['slurm', '--shards', '2', '--stages', 'infer,sample', '--', 'embed', 'in put.jsonl', 'o2']), /--stages infer,sample starts with infer, but the stage command after -- is embed/);
  await assert.rejects(s.run(['slurm', '--shards', '2', '--stages', 'embed,fit', '--', 'embed', 'in put.jsonl', 'o2', '--sample-size', '3']), /--sample-size belongs to the sample stage, which --stages embed,fit does not run/);
  await assert.rejects(s.run(['k8s', '--shards', '2', '--stages', 'embed,fit', '--', 'embed', 'in put.jsonl', 'o2']), /--stages chains jobs on slurm/);
  await assert.rejects(s.run(['slurm', '--shards', '2', '--only', '1', '--stages', 'embed,fit', '--', 'embed', 'in put.jsonl', 'o2']), /--only reruns shards of one stage/);
});

test('k8s: --backoff-limit-per-index and --max-failed-indexes replace the shared backoffLimit; --secret takes the pods\' environment and the credentials from an existing Secret, and no Secret is created', async () => {
  const s = setup('launch-k8s-backoff');
  const endpoint = 'http://user:Pa55@10.0.0.1:8000/v1';
  const base = ['k8s', '--shards', '4', '--image', 'i', '--pvc', 'd', '--mount-path', '/data', '--no-submit'];
  assert.equal(await s.run([...base, '--backoff-limit-per-index', '2', '--max-failed-indexes', '1', '--secret', 'hf-and-endpoint', '--', 'embed', 'in put.jsonl', 'out', '--embedding-endpoint', endpoint]), 0);
  const job = parse(fs.readFileSync(path.join(s.dir, 'out/launch/k8s/embed-job.yaml'), 'utf8'));
  assert.equal(job.spec.backoffLimitPerIndex, 2);
  assert.equal(job.spec.maxFailedIndexes, 1);
  assert.equal('backoffLimit' in job.spec, false, 'backoffLimit left to its default (unlimited) under backoffLimitPerIndex');
  const [c] = job.spec.template.spec.containers;
  assert.deepEqual(c.envFrom, [{ secretRef: { name: 'hf-and-endpoint' } }]);
  assert.deepEqual(c.env, [{ name: 'SEMCLUST_EMBEDDING_ENDPOINT', valueFrom: { secretKeyRef: { name: 'hf-and-endpoint', key: 'SEMCLUST_EMBEDDING_ENDPOINT' } } }]);
  const text = s.said.join('\n');
  assert.doesNotMatch(text, /kubectl create secret/);
  assert.match(text, /the Secret hf-and-endpoint, a key of that name each/);
  assert.ok(!text.includes('Pa55'));
  // Without the new flags the Job keeps one backoffLimit, 3 per shard.
  assert.equal(await s.run([...base, '--', 'embed', 'in put.jsonl', 'out2']), 0);
  const plain = parse(fs.readFileSync(path.join(s.dir, 'out2/launch/k8s/embed-job.yaml'), 'utf8'));
  assert.equal(plain.spec.backoffLimit, 12);
  assert.equal(plain.spec.backoffLimitPerIndex, undefined);
  await assert.rejects(s.run([...base, '--max-failed-indexes', '1', '--', 'embed', 'in put.jsonl', 'out3']), /--max-failed-indexes counts shards that spent their own retries: give --backoff-limit-per-index too/);
});

test('slurm: dedup runs as an array too, task i with --shard i/N (its shards sign rows/ parts; semclust merge joins them)', async () => {
  const s = setup('launch-slurm-dedup');
  const code = await s.run(['slurm', '--shards', '2', '--semclust', s.semclust, '--no-submit', '--', 'dedup', 'out', '--dedup-methods', 'exact,fuzzy']);
  assert.equal(code, 0);
  const file = path.join(s.dir, 'out/launch/slurm/dedup.sbatch');
  assert.match(fs.readFileSync(file, 'utf8'), /^#SBATCH --array=0-1$/m);
  fs.mkdirSync(path.join(s.dir, 'out/launch/slurm/status'), { recursive: true });
  execFileSync('bash', [file], { cwd: s.dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '78', SLURM_ARRAY_TASK_COUNT: '2' } });
  assert.deepEqual(readRecords(s.records)[0].argv, ['dedup', 'out', '--dedup-methods', 'exact,fuzzy', '--shard', '1/2']);
});
