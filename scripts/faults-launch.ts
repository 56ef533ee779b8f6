/**
 * The launch cases of `npm run faults` (issue 18): for every scheduler, the job rendered by
 * the CLI with hostile stage arguments (a line break, quotes, $(…), backticks, `;`, `$$`, a
 * space in OUTDIR) is run the way its scheduler runs it, a recorder standing in for semclust:
 * a trial is unclear when the argv differs from the one asked for or another command ran
 * (a PWNED file appeared). Then each is rendered with a credentialed endpoint: unclear when a
 * rendered file or a printed line holds the credential.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readRecords, writeRecorder } from '../test/support/argv-recorder.js';
import { k8sExpand } from '../test/support/k8s-expand.js';

export interface LaunchRow {
  fault: string;
  trials: number;
  unclear: number;
  notes: string[];
}

const OUT = 'out dir/run $x';
const STAGE = ['embed', 'in dir/a $(touch PWNED1).jsonl', OUT, '--text-key', "t\ntouch PWNED2'; touch PWNED3 #", '--score-key', '`touch PWNED4`;"$(touch PWNED5)"\\ $$ $(HOME)'];
const ENDPOINT = 'http://user:Pa55w0rdX@127.0.0.1:8000/v1?api-key=ApiKey1234';
const SECRETS = ['Pa55w0rdX', 'ApiKey1234', Buffer.from('user:Pa55w0rdX').toString('base64')];
const SCHEDULERS = ['local', 'slurm', 'k8s', 'batch', 'ray'] as const;

function options(scheduler: string, dir: string): string[] {
  if (scheduler === 'k8s') return ['--image', 'i', '--pvc', 'd', '--mount-path', '/data', '--no-submit'];
  if (scheduler === 'batch') return ['--image', 'i', '--mount-path', dir, '--no-submit'];
  return scheduler === 'local' ? [] : ['--no-submit'];
}

/** Runs one rendered shard as its scheduler would; local has already run its shards. */
function runShard(scheduler: string, dir: string, outDir: string, env: NodeJS.ProcessEnv): void {
  const files = path.join(dir, outDir, 'launch', scheduler);
  if (scheduler === 'slurm') spawnSync('bash', [path.join(files, 'embed.sbatch')], { cwd: dir, env: { ...env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '1' } });
  if (scheduler === 'k8s') {
    const container = parse(fs.readFileSync(path.join(files, 'embed-job.yaml'), 'utf8')).spec.template.spec.containers[0];
    const command = (container.command as string[]).map((w) => k8sExpand(w, { HOME: '/root', ...(env.SEMCLUST_EMBEDDING_ENDPOINT ? { SEMCLUST_EMBEDDING_ENDPOINT: env.SEMCLUST_EMBEDDING_ENDPOINT } : {}) }));
    spawnSync(command[0], command.slice(1), { cwd: dir, env: { ...env, JOB_COMPLETION_INDEX: '0' } });
  }
  if (scheduler === 'batch') {
    const [exe, ...args] = JSON.parse(fs.readFileSync(path.join(files, 'embed-job-definition.json'), 'utf8')).containerProperties.command;
    spawnSync(exe, args, { cwd: dir, env: { ...env, AWS_BATCH_JOB_ARRAY_INDEX: '0' } });
  }
  if (scheduler === 'ray') spawnSync('sh', ['-c', JSON.parse(fs.readFileSync(path.join(files, 'embed-shard-0.json'), 'utf8')).entrypoint], { cwd: '/', env });
}

const pwned = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => path.basename(f).startsWith('PWNED'));

function allText(dir: string): string {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

export function launchFaults(cli: string, work: string): LaunchRow[] {
  const injection: LaunchRow = { fault: 'launch: hostile arguments', trials: 0, unclear: 0, notes: [] };
  const secrets: LaunchRow = { fault: 'launch: credentialed endpoint', trials: 0, unclear: 0, notes: [] };
  for (const scheduler of SCHEDULERS) {
    const dir = fs.mkdtempSync(path.join(work, `launch-${scheduler}-`));
    const { semclust, records } = writeRecorder(dir);
    const launch = (stage: string[], env: NodeJS.ProcessEnv = process.env) =>
      spawnSync(process.execPath, [cli, 'launch', scheduler, '--shards', '2', ...(scheduler === 'local' ? ['--only', '0'] : []), ...options(scheduler, dir), '--semclust', semclust, '--', ...stage], { cwd: dir, encoding: 'utf8', env: { ...env, EXPECT_SHARDS: '1' } });

    injection.trials++;
    const r = launch(STAGE);
    if (scheduler !== 'local') runShard(scheduler, dir, OUT, process.env);
    const argv = readRecords(records).map((x) => x.argv.slice(0, STAGE.length));
    const bad = [
      r.status !== 0 && `launch exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`,
      pwned(dir).length > 0 && `${scheduler}: another command ran (${pwned(dir).join(', ')})`,
      (argv.length !== 1 || JSON.stringify(argv[0]) !== JSON.stringify(STAGE)) && `${scheduler}: the stage got ${JSON.stringify(argv)}`,
    ].filter((x): x is string => Boolean(x));
    if (bad.length) {
      injection.unclear++;
      injection.notes.push(...bad);
    }

    secrets.trials++;
    fs.rmSync(records, { recursive: true });
    fs.mkdirSync(records);
    const stage = ['embed', 'in.jsonl', 'plain', '--embedding-endpoint', ENDPOINT];
    const s = launch(stage);
    if (scheduler !== 'local') runShard(scheduler, dir, 'plain', { ...process.env, SEMCLUST_EMBEDDING_ENDPOINT: ENDPOINT });
    const got = readRecords(records).map((x) => x.argv.slice(0, stage.length));
    const rendered = fs.existsSync(path.join(dir, 'plain')) ? allText(path.join(dir, 'plain')) : '';
    const leaks = SECRETS.filter((x) => `${s.stdout}${s.stderr}${rendered}`.includes(x));
    const wrong = got.length !== 1 || JSON.stringify(got[0]) !== JSON.stringify(stage);
    if (s.status !== 0 || leaks.length > 0 || wrong) {
      secrets.unclear++;
      secrets.notes.push(s.status !== 0 ? `${scheduler}: launch exited ${s.status}` : leaks.length ? `${scheduler}: a credential was written or printed` : `${scheduler}: the shard got ${JSON.stringify(got)}`);
    }
  }
  return [injection, secrets];
}
