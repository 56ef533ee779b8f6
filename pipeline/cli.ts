/** The `semclust` command: parses arguments, resolves settings, dispatches. Returns the exit code. */
import fs from 'node:fs';
import { STAGES, type StageName } from '../schemas/config.js';
import { pipelineJsonSchema } from '../schemas/json-schema.js';
import { openEmbedder } from '../operators/embedders/open-embedder.js';
import { resolveInputs } from '../operators/input/read-lines.js';
import { startEmbeddingServer } from '../operators/http/embedding-server.js';
import { parseArgs } from './settings/flags.js';
import { COMMAND_HELP, mainHelp, settingsHelp } from './cli/help.js';
import { launch } from './launch/command.js';
import { RunState } from './run/manifest.js';
import { log } from './cli/progress.js';
import { runQuery, type QueryFormat } from './cli/query.js';
import { writeReport } from './report/report.js';
import { planStages } from './run/plan.js';
import { mergeShards, runStages } from './run/run-stages.js';
import { flagOf } from '../schemas/flag-name.js';
import { resolveShard } from './shard/shard-spec.js';
import { sweepIfAsked, writeKeptIfAsked } from './stages/dedup.js';
import { STAGE_BY_NAME, stageList } from './stages/index.js';
import { describeStatus } from './cli/status.js';
import { VERSION } from './cli/version.js';
import { closestWord, loadPipelineFile, resolveSettings, type SettingsLayer } from './settings/settings.js';
import { SemclustError, UsageError } from '../core/util/semclust-error.js';

/** The reference tool's command names, accepted as synonyms. */
const SYNONYMS: Record<string, string> = { inference: 'infer' };

const isStage = (command: string): command is StageName => (STAGES as readonly string[]).includes(command);

/** Results to stdout, progress and messages to stderr (issue 18 item 10): `semclust infer IN OUT > stats.txt` keeps the statistics. */
const result = (m: string) => void process.stdout.write(`${m}\n`);

/**
 * `INPUT... OUTDIR` or just `OUTDIR` for a folder whose manifest recorded the input
 * (`semclust infer OUT` after `semclust fit IN OUT`).
 */
function inputsAndOutDir(command: string, positionals: string[]): { outDir: string; layer: SettingsLayer } {
  if (positionals.length === 0) throw new UsageError(`${command} needs INPUT... OUTDIR (or OUTDIR of an earlier run)`, { hint: COMMAND_HELP[command] });
  const outDir = positionals[positionals.length - 1];
  const isFile = fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory();
  // `semclust embed data.jsonl`: the one argument is the input, and OUTDIR was forgotten.
  if (positionals.length === 1 && isFile) throw new UsageError(`OUTDIR is missing: ${outDir} is a file, so it is the input; write the folder for the run after it: semclust ${command} ${outDir} OUTDIR`);
  if (isFile) throw new UsageError(`OUTDIR ${outDir} is a file, not a folder: the last argument is the folder the run writes; add it after the inputs (semclust ${command} ${positionals.join(' ')} OUTDIR)`);
  if (positionals.length === 1 && !RunState.exists(outDir)) {
    throw new UsageError(`${outDir} holds no semclust run (no manifest.json), so its input is unknown: give INPUT... ${outDir}`, { hint: COMMAND_HELP[command] });
  }
  const values: Record<string, unknown> = { output_dir: outDir };
  if (positionals.length > 1) values.input = positionals.slice(0, -1);
  return { outDir, layer: { origin: 'command line', values } };
}

/**
 * A new OUTDIR is created only for a command that can run: its settings valid and every input
 * found, so a mistyped flag or input leaves no empty folder or manifest behind (issue 18 item
 * 11). An existing OUTDIR is left to the run, which merges what its manifest remembers.
 */
async function checkBeforeCreating(outDir: string, layers: SettingsLayer[], command: StageName): Promise<void> {
  if (fs.existsSync(outDir)) return;
  const settings = resolveSettings(layers);
  if (settings.input) await resolveInputs(Array.isArray(settings.input) ? settings.input : [settings.input]);
  // The plan reads and writes nothing here: a flag at odds with --model-from's run fails before the folder exists.
  await planStages(RunState.open(outDir), stageList(), STAGE_BY_NAME[command].command.runs, layers, command, true);
}

function existingRun(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(COMMAND_HELP[command]);
  const outDir = positionals[0];
  if (!RunState.exists(outDir)) throw new UsageError(`${outDir} holds no semclust run (no manifest.json): run semclust embed / fit / infer first`);
  return outDir;
}

/** The settings an existing run recorded, for commands that read it (report). */
function recordedSettings(outDir: string): SettingsLayer {
  const state = RunState.open(outDir);
  const values: Record<string, unknown> = {};
  for (const stage of STAGES) Object.assign(values, state.record(stage)?.settings ?? {});
  delete values.input;
  return { origin: `${outDir}/manifest.json`, values: { ...values, output_dir: outDir } };
}

async function serve(settings: SettingsLayer, options: Record<string, string | boolean>): Promise<number> {
  const s = resolveSettings([settings]);
  const embedder = await openEmbedder(s, { onProgress: (e) => log(`preparing model: ${e.phase} ${e.done}/${e.total}`) });
  const port = options.port === undefined ? 8080 : Number(options.port);
  const host = typeof options.host === 'string' ? options.host : '127.0.0.1';
  // Report the model really served (e.g. static:wink-sg-100d-sif); the setting's own spelling stays accepted.
  const server = await startEmbeddingServer(embedder, { host, port, modelAliases: [s.embedding_model] });
  log(`serving ${embedder.model} (${embedder.dims}-d) at ${server.url}/embeddings — Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await embedder.close();
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [given, ...rest] = argv;
  const command = given === undefined ? given : (SYNONYMS[given] ?? given);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    // `help inference` is infer's help; `help nosuch` is an unknown command, not the general help.
    const topic = rest[0] === undefined ? undefined : (SYNONYMS[rest[0]] ?? rest[0]);
    if (topic !== undefined && !Object.hasOwn(COMMAND_HELP, topic)) {
      const guess = closestWord(topic, [...Object.keys(COMMAND_HELP), ...Object.keys(SYNONYMS)]);
      log(`semclust help: unknown command "${topic}"${guess ? `; did you mean "${guess}"?` : ''} (semclust --help lists the commands)`);
      return 2;
    }
    process.stdout.write((topic ? COMMAND_HELP[topic] : mainHelp()) + '\n');
    return 0;
  }
  if (command === '--version') {
    process.stdout.write(`semclust ${VERSION}\n`);
    return 0;
  }
  try {
    if (!Object.hasOwn(COMMAND_HELP, command)) {
      const guess = closestWord(command, [...Object.keys(COMMAND_HELP), ...Object.keys(SYNONYMS)]);
      throw new UsageError(`unknown command "${command}"${guess ? `; did you mean "${guess}"?` : ''} (semclust --help lists the commands)`);
    }
    // launch's own options come before --, the stage command's flags after it.
    if (command === 'launch') {
      if (rest.length === 0) throw new UsageError(COMMAND_HELP.launch);
      if (rest[0] === '--help' || rest[0] === '-h') {
        process.stdout.write(COMMAND_HELP.launch + '\n');
        return 0;
      }
      return await launch(rest, log);
    }
    // query's --format (table|csv|json) is its own option; elsewhere --format is the input setting (text|messages|sharegpt).
    const commandOptions = ['help', 'quiet', 'port', 'host', ...(command === 'query' ? ['format'] : []), ...(command === 'embed' || command === 'infer' || command === 'dedup' ? ['shard', 'num-shards'] : [])];
    const args = parseArgs(rest, commandOptions, ['help', 'quiet']);
    if (args.options.help) {
      process.stdout.write(`${COMMAND_HELP[command]}\n\n${settingsHelp()}\n`);
      return 0;
    }
    const quiet = Boolean(args.options.quiet);
    for (const note of args.notes) log(note);
    switch (command) {
      case 'run': {
        if (args.positionals.length !== 1) throw new UsageError(COMMAND_HELP.run);
        const layers = [loadPipelineFile(args.positionals[0]), args.settings];
        const settings = resolveSettings(layers);
        if (!settings.output_dir) throw new UsageError(`${args.positionals[0]}: no output_dir; add output_dir: FOLDER to the file or pass --output-dir`);
        await runStages({ outDir: settings.output_dir, stages: settings.stages, layers, command, quiet, log, result });
        if (settings.stages.includes('dedup')) await writeKeptIfAsked(settings.output_dir, settings, log);
        return 0;
      }
      case 'embed':
      case 'fit':
      case 'infer': {
        const shard = command === 'fit' ? null : resolveShard({ shard: args.options.shard as string | undefined, numShards: args.options['num-shards'] as string | undefined }, process.env);
        if (shard) {
          const outDir = args.positionals[args.positionals.length - 1];
          if (outDir === undefined) throw new UsageError(COMMAND_HELP[command]);
          if (args.positionals.slice(0, -1).includes('-')) throw new UsageError('stdin cannot be sharded: every shard would need the whole stream. Write it to a file on storage all shards see and pass that, or drop --shard');
          const values: Record<string, unknown> = { output_dir: outDir };
          if (args.positionals.length > 1) {
            if (command === 'infer') throw new UsageError(`infer --shard labels what embed wrote: give only OUTDIR (semclust infer ${outDir} --shard ${shard.index}/${shard.count})`);
            values.input = args.positionals.slice(0, -1);
          }
          await runStages({ outDir, stages: [command], layers: [{ origin: 'command line', values }, args.settings], command, strict: true, quiet, log, shard });
          return 0;
        }
        // After a sharded embed: check and merge its shards before anything reads them.
        if (command !== 'embed' && args.positionals.length > 0) for (const m of await mergeShards(args.positionals[args.positionals.length - 1], log, quiet)) if (m.merged) log(m.summary);
        const { outDir, layer } = inputsAndOutDir(command, args.positionals);
        await checkBeforeCreating(outDir, [layer, args.settings], command);
        await runStages({ outDir, stages: STAGE_BY_NAME[command].command.runs, layers: [layer, args.settings], command, strict: true, quiet, log, result });
        return 0;
      }
      case 'merge': {
        if (args.positionals.length !== 1) throw new UsageError(COMMAND_HELP.merge);
        const lines = (await mergeShards(args.positionals[0], log, quiet)).map((m) => m.summary);
        process.stdout.write((lines.length > 0 ? lines : [`${args.positionals[0]}: no stage ran sharded here; nothing to merge`]).join('\n') + '\n');
        return 0;
      }
      case 'status': {
        process.stdout.write(describeStatus(RunState.open(existingRun(command, args.positionals))) + '\n');
        return 0;
      }
      case 'report': {
        const outDir = existingRun(command, args.positionals);
        const settings = resolveSettings([recordedSettings(outDir), args.settings]);
        process.stdout.write(`${await writeReport(outDir, settings)}\n`);
        return 0;
      }
      case 'query': {
        if (args.positionals.length !== 2) throw new UsageError(COMMAND_HELP.query);
        const format = (args.options.format ?? 'table') as QueryFormat;
        if (!['table', 'csv', 'json'].includes(format)) throw new UsageError(`--format must be table, csv or json`);
        process.stdout.write(await runQuery(args.positionals[0], args.positionals[1], format));
        return 0;
      }
      case 'serve':
        return await serve(args.settings, args.options);
      case 'schema':
        process.stdout.write(pipelineJsonSchema());
        return 0;
      default: {
        // Every other stage's command works on an earlier run: semclust STAGE OUTDIR.
        if (!isStage(command)) break;
        const shard = command === 'dedup' ? resolveShard({ shard: args.options.shard as string | undefined, numShards: args.options['num-shards'] as string | undefined }, process.env) : null;
        if (shard) {
          if (args.positionals.length !== 1) throw new UsageError(`dedup --shard works on an inferred run: give only OUTDIR (semclust dedup OUTDIR --shard ${shard.index}/${shard.count})`);
          // They read the dedup/ table, which only the merge writes.
          for (const key of ['write_kept', 'sweep'] as const) {
            if (args.settings.values[key] !== undefined) throw new UsageError(`${flagOf(key)} reads the dedup/ table, which semclust merge writes after every shard: give it to semclust dedup ${args.positionals[0]} after the merge, not to a shard`);
          }
          await runStages({ outDir: args.positionals[0], stages: ['dedup'], layers: [{ origin: 'command line', values: { output_dir: args.positionals[0] } }, args.settings], command, strict: true, quiet, log, shard });
          return 0;
        }
        if (args.positionals.length === 1) for (const m of await mergeShards(args.positionals[0], log, quiet)) if (m.merged) log(m.summary);
        const outDir = existingRun(command, args.positionals);
        const layer = { origin: 'command line', values: { output_dir: outDir } };
        await runStages({ outDir, stages: STAGE_BY_NAME[command].command.runs, layers: [layer, args.settings], command, strict: true, quiet, log, result });
        if (command === 'dedup') {
          const settings = resolveSettings([layer, args.settings]);
          await writeKeptIfAsked(outDir, settings, log);
          await sweepIfAsked(outDir, settings, result);
        }
        return 0;
      }
    }
    return 2;
  } catch (e) {
    // The one place errors become output and an exit status: SemclustError carries its own.
    const hint = e instanceof SemclustError && e.hint ? `\n\n${e.hint}` : '';
    log(`semclust ${command}: ${(e as Error).message}${hint}`);
    const code = e instanceof SemclustError ? e.exitCode : 1;
    if (code === 1 && process.env.SEMCLUST_DEBUG) log((e as Error).stack ?? '');
    return code;
  }
}
