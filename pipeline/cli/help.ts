/** `--help` texts: what each command does (a stage's own from its declaration), real examples, and every setting from the schema. */
import { SETTING_KEYS, settingsShape, type SettingKey } from '../../schemas/config.js';
import { LAUNCH_BOOLEANS, LAUNCH_KEYS, launchShape } from '../../schemas/launch.js';
import { baseSchema, descriptionOf } from '../settings/settings.js';
import type { Stage } from '../run/stage.js';
import { stageList } from '../stages/index.js';
import { SOTU } from './demo-corpus.js';
import { flagOf } from '../../schemas/flag-name.js';

export const COMMAND_HELP: Record<string, string> = {
  run: `semclust run PIPELINE.yaml [FLAGS]
  Runs the stages a pipeline file declares. Flags override the file's settings.
  Paths in the file are relative to the file's folder.

  semclust run examples/sotu-kmeans.yaml
  semclust run examples/sotu-kmeans.yaml --kmeans-num-clusters 50 --sample-size 200`,
  ...Object.fromEntries(stageList().map((s) => [s.name, s.command.help])),
  merge: `semclust merge OUTDIR
  Checks that every shard of each sharded stage (embed, infer, dedup --shard I/N) finished,
  and records the stage as one: an id embedded by several shards keeps its first input unit's
  embedding; dedup's signatures are joined into one LSH pass and dedup/ table. Exit 1 names the missing shards and the commands that rerun them. fit, infer,
  dedup and sample run the same check first. See docs/shards.md.

  semclust merge out/big`,
  status: `semclust status OUTDIR
  Prints each stage of the run in OUTDIR: the settings it ran with, when it finished,
  its figures, and what is stale (an interrupted attempt, an input changed since).

  semclust status out/sotu-kmeans`,
  report: `semclust report OUTDIR [--report-max-points N] [--facet KEY]...
  Writes OUTDIR/report.html again from the run's outputs (infer and sample write it too):
  one offline page with the map, the clusters by size with keywords, search and toggles.
  --facet KEY (a key path into the records, repeatable) colours and filters the map by
  that field, with a legend of its values, their rows and their share of the sample;
  shift-drag selects points, exported as ids or as SQL for semclust query.

  semclust report out/sotu-kmeans --facet party`,
  query: `semclust query OUTDIR "SQL" [--format table|csv|json]
  Runs DuckDB SQL over the outputs, with views rows, embeddings, labels, clusters,
  projection, sample and dedup, and row_labels (every row's cluster beside its user_id).

  semclust query out/sotu "SELECT cluster, size FROM clusters ORDER BY size DESC LIMIT 10"
  semclust query out/sotu "SELECT r.text FROM rows r JOIN labels l USING (id) WHERE l.cluster = 3 LIMIT 5"
  semclust query out/sotu "SELECT cluster, count(*) AS picked FROM sample GROUP BY 1 ORDER BY 2 DESC" --format csv`,
  serve: `semclust serve [--host 127.0.0.1] [--port 8080] [--embedding-model MODEL]
  Serves a local model over the OpenAI-compatible POST /v1/embeddings API, so many
  workers can share one model (point them at --embedding-endpoint http://HOST:PORT/v1).
  Set SEMCLUST_SERVE_API_KEY to require "Authorization: Bearer KEY" (clients: --embedding-api-key-env);
  a request takes at most 2048 inputs and 16 MiB. See docs/http.md.

  semclust serve --port 8080
  semclust serve --embedding-model ./models/all-MiniLM-L6-v2 --port 8081`,
  launch: `semclust launch local|slurm|k8s|batch|ray --shards N [OPTIONS] -- STAGE COMMAND
  Runs embed, infer or dedup as N shards (shard i gets --shard i/N, or --num-shards N and the
  scheduler's index) and renders the job into OUTDIR/launch/<scheduler>/: an sbatch --array
  script, a Kubernetes Indexed Job, AWS Batch job definition + array submission, or one Ray
  Jobs REST body per shard with submit.sh. local runs the shards here; slurm submits when
  sbatch is on PATH and waits; kubectl, aws and ray submit when on PATH; otherwise the exact
  commands are printed. A launch that waited ends with the merge check (semclust merge OUTDIR)
  and names each failed shard with the command that reruns it. Slurm --stages submits the
  whole run as jobs that wait for each other (afterok); arrays past MaxArraySize are split.
  The Containerfile builds the image for --image. See docs/cluster.md.

  semclust launch local --shards 4 -- embed data/*.jsonl out/run
  semclust launch slurm --shards 64 --cpus 4 --mem 8G --time 2h --partition cpu -- embed 'data/*.jsonl' out/run
  semclust fit out/run --kmeans-num-clusters 1000 && semclust launch slurm --shards 64 -- infer out/run
  semclust launch slurm --shards 2000 --max-concurrent 64 --account ml --sbatch-arg=--constraint=a100 --stages embed,fit,infer,sample -- embed 'data/*.jsonl' out/run --kmeans-num-clusters 1000 --sample-size 100000
  semclust launch k8s --shards 16 --image REGISTRY/semclust:0.1.0 --pvc data --mount-path /data --backoff-limit-per-index 2 --secret semclust-env -- embed in/*.jsonl out/run
  semclust launch batch --shards 16 --image IMAGE --efs fs-0123 --mount-path /mnt/efs --job-queue q -- embed in.jsonl out/run
  semclust launch ray --shards 8 --gpus 1 -- embed /shared/in.jsonl /shared/out --embedding-endpoint http://vllm:8000/v1

Options:
${LAUNCH_KEYS.map((key) => {
    const flag = LAUNCH_BOOLEANS.includes(key) ? flagOf(key) : `${flagOf(key)} <value>`;
    return `  ${flag.padEnd(24)} ${launchShape[key].description ?? ''}`;
  }).join('\n')}`,
  schema: `semclust schema
  Prints the JSON Schema of pipeline files (also in schemas/pipeline.schema.json).`,
};

function settingLine(key: SettingKey): string {
  const schema = settingsShape[key];
  const base = baseSchema(schema as unknown as Parameters<typeof baseSchema>[0]);
  const def = base._zod.def as { type: string; entries?: Record<string, string> };
  const type = def.type === 'enum' ? Object.values(def.entries ?? {}).join('|') : def.type === 'union' ? 'path...' : def.type;
  const parsed = schema.safeParse(undefined);
  const dflt = parsed.success && parsed.data !== undefined ? ` (default ${JSON.stringify(parsed.data)})` : '';
  const flag = type === 'boolean' ? flagOf(key) : `${flagOf(key)} <${type}>`;
  return `  ${flag.padEnd(44)} ${descriptionOf(key) ?? ''}${dflt}`;
}

export function settingsHelp(): string {
  return `Settings (flags; the same keys in pipeline YAML; --text_key spelling works too):
${SETTING_KEYS.map(settingLine).join('\n')}

Other flags: --quiet (no progress), --help.
Progress goes to stderr (NDJSON when stderr is not a terminal); results to stdout.`;
}

/** A stage's line in the command list: its help's first line without [FLAGS], then its summary. */
function stageLine(s: Stage): string {
  return `  ${s.command.help.split('\n')[0].replace(/ \[FLAGS\]$/, '').padEnd(34)}${s.command.summary}`;
}

export function mainHelp(): string {
  return `semclust — turn a large pile of text (JSONL, Parquet, CSV) into a small, representative sample
by semantic clustering: embed → (UMAP) → cluster → sample, every stage Parquet.

Usage:
  semclust run PIPELINE.yaml        run a declared pipeline
${stageList().map(stageLine).join('\n')}
  semclust merge OUTDIR             check and merge the shards of a sharded embed / infer
  semclust status OUTDIR            each stage's settings, figures, what is stale
  semclust report OUTDIR            write OUTDIR/report.html again
  semclust query OUTDIR "SQL"       DuckDB over the outputs
  semclust serve                    OpenAI-compatible embedding server
  semclust launch SCHED --shards N -- embed|infer …   run a stage as N shards (local, slurm, k8s, batch, ray)
  semclust help COMMAND             examples for one command

Quick start (offline, built-in model):
  npm start          (builds ${SOTU}, then: semclust run examples/sotu-kmeans.yaml)
  semclust query out/sotu-kmeans "SELECT cluster, size FROM clusters ORDER BY size DESC LIMIT 5"

${settingsHelp()}`;
}
