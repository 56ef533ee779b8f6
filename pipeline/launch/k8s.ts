/**
 * Kubernetes: one Indexed Job (batch/v1, completionMode: Indexed, completions N). Kubernetes
 * gives pod i JOB_COMPLETION_INDEX=i; the stage command gets --num-shards N and reads it.
 * OUTDIR lives on a PersistentVolumeClaim mounted at --mount-path in every pod, which starts
 * there (workingDir), so the stage command's relative paths are relative to the volume.
 * Kubernetes expands `$(NAME)` in a container's command from its env and reads `$$` as `$`
 * (kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/), so
 * every `$` of an argument is written `$$` and a credential is `$(NAME)`, NAME taken from a
 * Secret (`<job>-credentials`) that the submit commands create from the submitter's environment,
 * or from the user's own Secret (--secret), whose keys all become the pods' environment.
 * --backoff-limit-per-index gives each index its own retries (backoffLimitPerIndex, beta in
 * 1.29, GA in 1.33): with one backoffLimit, a shard that keeps failing spends every other's.
 * Reference: kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode and
 * #backoff-limit-per-index
 */
import { stringify } from 'yaml';
import { shellJoin } from '../../core/util/shell-quote.js';
import { LaunchUsageError, fileIn, mergeArgv, requireOnVolume, shardArgv, type LaunchJob, type Rendered, type Word } from './job.js';

/** A word of the container command as Kubernetes will expand it back. */
const k8sWord = (w: Word): string => (typeof w === 'string' ? w.replace(/\$/g, '$$$$') : `$(${w.env})`);

/** The Secret that holds the stage command's credentials, one key per variable: the user's (--secret) or the one the submit commands create. */
export const k8sSecretName = (job: LaunchJob): string => job.options.secret ?? `${job.name}-credentials`;

export function renderK8s(job: LaunchJob): Rendered {
  const o = job.options;
  if (!o.image) throw new LaunchUsageError('k8s needs --image IMAGE: a container image with semclust on PATH');
  if (!o.pvc || !o.mount_path) throw new LaunchUsageError('k8s needs --pvc CLAIM and --mount-path PATH: every pod writes OUTDIR on that shared volume');
  requireOnVolume(job.stage.outDir, o.mount_path);
  if (o.max_failed_indexes !== undefined && o.backoff_limit_per_index === undefined) {
    throw new LaunchUsageError('--max-failed-indexes counts shards that spent their own retries: give --backoff-limit-per-index too');
  }
  const requests: Record<string, string> = {};
  if (o.cpus) requests.cpu = String(o.cpus);
  if (o.mem) requests.memory = `${o.mem}Mi`;
  const limits: Record<string, string> = o.gpus ? { 'nvidia.com/gpu': String(o.gpus) } : {};
  const manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { app: 'semclust', 'semclust/command': job.stage.command } },
    spec: {
      completionMode: 'Indexed',
      completions: job.shards,
      parallelism: o.parallelism ?? job.shards,
      // A failed pod is retried on its own index; a rerun of the same Job skips finished units.
      // With backoffLimitPerIndex, backoffLimit must be left out (it then defaults to unlimited).
      ...(o.backoff_limit_per_index === undefined
        ? { backoffLimit: 3 * job.shards }
        : { backoffLimitPerIndex: o.backoff_limit_per_index, ...(o.max_failed_indexes === undefined ? {} : { maxFailedIndexes: o.max_failed_indexes }) }),
      ...(o.time ? { activeDeadlineSeconds: o.time } : {}),
      template: {
        metadata: { labels: { app: 'semclust' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'semclust',
              image: o.image,
              command: shardArgv(job, null).map(k8sWord),
              ...(job.stage.secrets.length
                ? { env: job.stage.secrets.map((c) => ({ name: c.env, valueFrom: { secretKeyRef: { name: k8sSecretName(job), key: c.env } } })) }
                : {}),
              ...(o.secret ? { envFrom: [{ secretRef: { name: o.secret } }] } : {}),
              workingDir: o.mount_path,
              ...(Object.keys(requests).length || Object.keys(limits).length
                ? { resources: { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) } }
                : {}),
              volumeMounts: [{ name: 'out', mountPath: o.mount_path }],
            },
          ],
          volumes: [{ name: 'out', persistentVolumeClaim: { claimName: o.pvc } }],
        },
      },
    },
  };
  const file = fileIn(job, `${job.stage.command}-job.yaml`);
  const ns = o.namespace ? ['-n', o.namespace] : [];
  // The Secret from the variables launch (or the user) exports: the value never reaches a file or argv text here.
  const secret = job.stage.secrets.length && !o.secret
    ? [['sh', '-c', `kubectl create secret generic ${shellJoin([...ns, k8sSecretName(job)])} ${job.stage.secrets.map((c) => `--from-literal=${c.env}="$${c.env}"`).join(' ')} --dry-run=client -o yaml | kubectl apply ${shellJoin(ns)} -f -`]]
    : [];
  return {
    files: [{ path: file, text: `# semclust launch k8s: ${job.shards} shards of semclust ${job.stage.command} (an Indexed Job)\n${stringify(manifest)}` }],
    client: 'kubectl',
    submit: [...secret, ['kubectl', 'apply', ...ns, '-f', file]],
    after: [shellJoin(['kubectl', 'wait', ...ns, '--for=condition=complete', '--timeout=24h', `job/${job.name}`]), `${shellJoin(mergeArgv(job))}   (where the volume is mounted)`],
  };
}
