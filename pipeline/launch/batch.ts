/**
 * AWS Batch: a job definition (register-job-definition input) and an array submission
 * (submit-job input, arrayProperties.size N). Batch gives child i AWS_BATCH_JOB_ARRAY_INDEX=i;
 * the stage command gets --num-shards N and reads it. OUTDIR is shared through EFS at
 * --mount-path. A credential of the stage command is a `secrets` entry (its valueFrom the ARN
 * of a Secrets Manager secret or SSM parameter, left for the user to fill in, as the queue is)
 * and reaches the shard through `sh -c` as "$NAME".
 * Reference: docs.aws.amazon.com/batch/latest/userguide/array_jobs.html,
 * docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data.html
 */
import { shellJoin } from '../../core/util/shell-quote.js';
import { LaunchUsageError, fileIn, mergeArgv, requireEnvLines, requireOnVolume, shardArgv, shellWords, type LaunchJob, type Rendered } from './job.js';

/** What the job definition holds until the user puts the ARN of the secret there. */
export const SECRET_ARN_PLACEHOLDER = 'ARN_OF_THE_SECRET';

/** AWS Batch's limits on an array job's size. */
const MIN_ARRAY = 2;
const MAX_ARRAY = 10_000;

export function renderBatch(job: LaunchJob): Rendered {
  const o = job.options;
  if (!o.image) throw new LaunchUsageError('batch needs --image IMAGE: a container image with semclust on PATH');
  if (job.shards < MIN_ARRAY || job.shards > MAX_ARRAY) {
    throw new LaunchUsageError(`AWS Batch array jobs have ${MIN_ARRAY} to ${MAX_ARRAY.toLocaleString('en-US')} children, not ${job.shards}; for one shard run the stage command itself`);
  }
  if (o.efs && !o.mount_path) throw new LaunchUsageError('--efs needs --mount-path: where the file system is mounted in the container');
  if (o.mount_path) requireOnVolume(job.stage.outDir, o.mount_path);
  const resources = [
    { type: 'VCPU', value: String(o.cpus ?? 1) },
    { type: 'MEMORY', value: String(o.mem ?? 2048) },
    ...(o.gpus ? [{ type: 'GPU', value: String(o.gpus) }] : []),
  ];
  // Batch has no working directory setting: the shell starts the shard on the volume, so the
  // stage command's relative paths are relative to it (as on Kubernetes).
  const words = shardArgv(job, null);
  const plain = words.every((w): w is string => typeof w === 'string');
  const steps = [...requireEnvLines(job), ...(o.mount_path ? [`cd ${shellJoin([o.mount_path])}`] : []), `exec ${shellWords(words)}`];
  const command = plain && !o.mount_path ? words : ['sh', '-c', steps.join(' && ')];
  const definition = {
    jobDefinitionName: job.name,
    type: 'container',
    containerProperties: {
      image: o.image,
      command,
      resourceRequirements: resources,
      ...(job.stage.secrets.length ? { secrets: job.stage.secrets.map((c) => ({ name: c.env, valueFrom: SECRET_ARN_PLACEHOLDER })) } : {}),
      ...(o.efs
        ? {
            volumes: [{ name: 'out', efsVolumeConfiguration: { fileSystemId: o.efs, transitEncryption: 'ENABLED' } }],
            mountPoints: [{ sourceVolume: 'out', containerPath: o.mount_path, readOnly: false }],
          }
        : {}),
    },
    retryStrategy: { attempts: 2 },
    ...(o.time ? { timeout: { attemptDurationSeconds: o.time } } : {}),
  };
  const submission = {
    jobName: job.name,
    jobQueue: o.job_queue ?? 'JOB_QUEUE',
    jobDefinition: job.name,
    arrayProperties: { size: job.shards },
  };
  const defFile = fileIn(job, `${job.stage.command}-job-definition.json`);
  const subFile = fileIn(job, `${job.stage.command}-submit-job.json`);
  return {
    files: [
      { path: defFile, text: JSON.stringify(definition, null, 2) + '\n' },
      { path: subFile, text: JSON.stringify(submission, null, 2) + '\n' },
    ],
    client: 'aws',
    submit: [
      ['aws', 'batch', 'register-job-definition', '--cli-input-json', `file://${defFile}`],
      ['aws', 'batch', 'submit-job', '--cli-input-json', `file://${subFile}`],
    ],
    after: [
      'aws batch describe-jobs --jobs JOB_ID   (the jobId submit-job printed; arrayProperties.statusSummary counts the children)',
      `${shellJoin(mergeArgv(job))}   (where the file system is mounted)`,
    ],
  };
}
