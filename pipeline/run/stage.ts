/**
 * What a stage is: a declaration of its name, the stages whose outputs it needs, the
 * settings that key it, its outputs, the schema of its statistics, its command, a run
 * function that returns those statistics, and, for a stage that can run as N shards, how it
 * splits (its units, how a shard runs its units, how the units merge). Everything else —
 * checking upstream, skipping, resuming, redoing, picking a shard's units, recording,
 * merging, and saying why — is the run protocol's (run-stages.ts), written once for every
 * stage. pipeline/stages/index.ts registers each stage by name.
 */
import type { z } from 'zod';
import type { SettingKey, Settings, StageName } from '../../schemas/config.js';
import type { SettingsLayer } from '../settings/settings.js';
import { PartLedger } from '../../operators/store/part-ledger.js';
import type { RunState } from './manifest.js';
import type { Progress } from '../cli/progress.js';
import type { ShardRecord } from '../shard/shard-records.js';
import type { ShardSpec } from '../shard/shard-spec.js';

/** A setting's change as the plan reports it: `kmeans_num_clusters 100 → 1000`. */
export interface SettingChange {
  key: string;
  from: unknown;
  to: unknown;
}

/** What a stage's run function gets. */
export interface StageRun {
  settings: Settings;
  outDir: string;
  state: RunState;
  /** Human-readable messages (stderr by default). */
  log: (message: string) => void;
  /** What the command produced (cluster statistics, the sample, the report's path): stdout from the CLI; log where not given. */
  result?: (message: string) => void;
  progress: (stage: string, unit: string) => Progress;
  /** No progress lines (--quiet); for steps that make their own (pipeline/stages/fit-progress.ts). */
  quiet: boolean;
  /** Replaces process.stdin for the "-" input (library use, tests). */
  stdin?: NodeJS.ReadableStream;
  /** This stage's durable parts (resumable stages only). */
  ledger: PartLedger<unknown>;
  /** True when an interrupted attempt under the same key left durable parts to keep (a shard: any recorded part). */
  resuming: boolean;
  /** This process's shard of the stage, null for one process. */
  shard: ShardSpec | null;
}

/** One unit of a split stage's work. */
export interface WorkUnit {
  /** Numbers the unit in output order (embed: input unit; infer: embeddings part). */
  id: number;
  /** The input unit it comes from: shard I of N owns the units whose `from` mod N is I. */
  from: number;
}

/**
 * How a stage runs as N shards on machines that share OUTDIR. The protocol plans the stage
 * as one process would, gives a shard the units it owns and records the shard; once every
 * shard is done, `merge` makes the stage's outputs and statistics as one process would
 * have, and the protocol records them in manifest.json.
 */
export interface StageSplit<S extends z.ZodType, P, U extends WorkUnit = WorkUnit> {
  /** What a unit is called in messages ("input units", "parts"). */
  noun: string;
  /** Every unit of the whole stage, in `id` order. */
  units(ctx: StageRun): Promise<U[]>;
  /**
   * Runs this shard's units, keeping those finished earlier under the same key. Returns
   * what the shard record keeps for the merge (facts no unit knows alone) and a note on
   * what it did, for the closing line.
   */
  run(ctx: StageRun, prepared: P, mine: readonly U[], key: string): Promise<{ facts: Partial<ShardRecord>; note: string }>;
  /** The units of the latest attempt (`shards`, sharing one key) with no durable result: the merge names their shards. */
  unfinished(ctx: StageRun, shards: readonly ShardRecord[]): Promise<WorkUnit[]>;
  /** Combines every unit's outputs into the stage's outputs and statistics, as one process would have. */
  merge(ctx: StageRun, shards: readonly ShardRecord[]): Promise<{ stats: z.output<S>; summary: string }>;
}

export interface Stage<N extends StageName = StageName, S extends z.ZodType = z.ZodType, P = unknown> {
  name: N;
  /**
   * `semclust <name>`: its line in `semclust --help`, how messages spell it, its own help
   * (first line: the synopsis and [FLAGS]), and the stages it runs (complete ones are skipped).
   */
  command: { summary: string; usage: string; help: string; runs: readonly StageName[] };
  /** The query the run summary suggests when this stage ran last (views: operators/duckdb/duckdb-views.ts). */
  hint: string;
  /** What the stage writes under OUTDIR (relative paths); removed before it is redone. */
  outputs: readonly string[];
  /** Its statistics as recorded in manifest.json; later stages read them typed (`state.stats('embed').embedded`). */
  stats: S;
  /** Stages whose complete outputs this one reads. */
  needs: readonly StageName[];
  /** Every setting that can key this stage (and so belongs to it on the command line). */
  settings: readonly SettingKey[];
  /** The subset of `settings` that matters under these settings (e.g. no k-means keys for HDBSCAN). */
  keyed?: (s: Settings) => readonly SettingKey[];
  /** Settings recorded for later commands to reuse that do not key the stage (the servers of a served model). */
  remembered?: readonly SettingKey[];
  /**
   * Facts outside the settings that key the stage, read before any work (the embed
   * stage's input files). Any `changes` against what was recorded redo the stage.
   * `given` names the settings given explicitly for this run.
   */
  identity?: (s: Settings, outDir: string, state: RunState, given: ReadonlySet<string>) => Promise<{ key: Record<string, unknown>; changes: SettingChange[] }>;
  /**
   * Settings another run folder supplies when a setting of this stage is given (fit's
   * model_from: the embedding model and the fit of the run whose model labels this one). The
   * layer sits between what OUTDIR recorded and what the command gives, for every stage of the
   * command; a value given on the command line that differs from it is an error, except for
   * `remembered` settings (another server for the same model).
   */
  borrowed?: (s: Settings, given: ReadonlySet<string>) => SettingsLayer | null;
  /** Durable parts of an interrupted attempt are kept and the stage continues after them. */
  resumable: boolean;
  /**
   * Whether `changes` since its complete run only add input after the old (embed: files added
   * after the inputs it read): then the stage goes on after its outputs, as a resume does,
   * instead of being redone (decision 'extend'), and each stage after it follows its `onExtend`.
   */
  extends?: (changes: readonly SettingChange[], s: Settings, outDir: string, state: RunState) => Promise<boolean>;
  /**
   * What the stage does when an upstream stage was extended: `keep` its outputs (fit: the
   * model still holds), or `continue` after the parts its ledger records (infer labels only
   * the new ones); left out, it is redone.
   */
  onExtend?: 'keep' | 'continue';
  /**
   * Opens what can fail on bad settings (a model, a server) before the stage's old outputs
   * are removed; its result is handed to run.
   */
  prepare?: (ctx: StageRun) => Promise<P>;
  run(ctx: StageRun, prepared: P): Promise<z.output<S>>;
  /** How it runs as shards (`--shard I/N`); absent: one process only. */
  split?: StageSplit<S, P>;
}
