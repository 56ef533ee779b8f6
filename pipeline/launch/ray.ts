/**
 * Ray: one job per shard through the Ray Jobs REST API (POST /api/jobs/ with a shell
 * `entrypoint`, `entrypoint_num_gpus` when --gpus is given), rendered as one request body per
 * shard plus submit.sh, which posts them with curl. launch posts the same bodies itself
 * (ray-submit.ts) rather than through `ray job submit`, whose `--` words are re-joined with
 * Windows quoting (subprocess.list2cmdline) and would mangle a quoted entrypoint.
 * A credential of the stage command is read as "$NAME" from the environment the Ray nodes were
 * started with (a body's runtime_env would be kept by the head and shown on its dashboard).
 * Reference: docs.ray.io/en/latest/cluster/running-applications/job-submission/rest.html
 */
import { redactUrl, urlHasSecrets } from '../../core/util/redact-url.js';
import { shellJoin, shellQuote } from '../../core/util/shell-quote.js';
import { commentSafe, fileIn, mergeArgv, requireEnvLines, shardArgv, shellWords, type LaunchJob, type Rendered } from './job.js';

const DEFAULT_ADDRESS = 'http://127.0.0.1:8265';

export interface RayJobBody {
  entrypoint: string;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
  entrypoint_memory?: number;
  metadata: Record<string, string>;
}

/**
 * The entrypoint runs in a scratch folder of the Ray node, so it starts in the folder launch
 * ran in: OUTDIR must be on storage every Ray node mounts at the same path.
 */
export function rayBody(job: LaunchJob, shard: number): RayJobBody {
  const o = job.options;
  return {
    entrypoint: [...requireEnvLines(job), `cd ${shellQuote(job.cwd)}`, shellWords(shardArgv(job, shard))].join(' && '),
    ...(o.cpus ? { entrypoint_num_cpus: o.cpus } : {}),
    ...(o.gpus ? { entrypoint_num_gpus: o.gpus } : {}),
    ...(o.mem ? { entrypoint_memory: o.mem * 1024 * 1024 } : {}),
    metadata: { job_name: job.name, shard: `${shard}/${job.shards}` },
  };
}

/** --ray-address, else $RAY_ADDRESS, else the local head's dashboard. */
export function rayAddress(job: LaunchJob): string {
  return (job.options.ray_address ?? process.env.RAY_ADDRESS ?? DEFAULT_ADDRESS).replace(/\/+$/, '');
}

export function renderRay(job: LaunchJob): Rendered & { bodies: RayJobBody[] } {
  const address = rayAddress(job);
  const bodies = Array.from({ length: job.shards }, (_, i) => ({ path: fileIn(job, `${job.stage.command}-shard-${i}.json`), body: rayBody(job, i) }));
  const script = fileIn(job, 'submit.sh');
  // An address with credentials is read from RAY_ADDRESS only; comments carry no argument text.
  const secret = urlHasSecrets(address);
  const shown = commentSafe(redactUrl(address));
  const text = `#!/bin/sh
# semclust launch ray: ${job.shards} Ray jobs, one per shard of semclust ${job.stage.command}, through the Jobs REST API.
#   sh ${commentSafe(shellQuote(script))}            (RAY_ADDRESS overrides ${shown})
#   rerun shard I: post its body again: curl -fsS -X POST "$RAY_ADDRESS/api/jobs/" -H 'Content-Type: application/json' --data @${commentSafe(shellQuote(fileIn(job, `${job.stage.command}-shard-I.json`)))}
#   when all have SUCCEEDED (GET $RAY_ADDRESS/api/jobs/): ${commentSafe(shellJoin(mergeArgv(job)))}
set -eu
${secret ? `address=\${RAY_ADDRESS:?set RAY_ADDRESS to the Ray dashboard address with its credentials}` : `default=${shellQuote(address)}
address=\${RAY_ADDRESS:-$default}`}
${bodies.map((b) => `curl -fsS -X POST "$address/api/jobs/" -H 'Content-Type: application/json' --data @${shellQuote(b.path)}; echo`).join('\n')}
`;
  return {
    files: [...bodies.map((b) => ({ path: b.path, text: JSON.stringify(b.body, null, 2) + '\n' })), { path: script, text, executable: true }],
    client: 'ray',
    submit: [['sh', script]],
    after: [`curl -fsS ${shellJoin([`${redactUrl(address)}/api/jobs/`])}   (each job's status; all SUCCEEDED when done)`, shellJoin(mergeArgv(job))],
    bodies: bodies.map((b) => b.body),
  };
}
