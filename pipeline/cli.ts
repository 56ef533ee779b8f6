/** The `semclust` command: parses arguments, resolves settings, dispatches. Returns the exit code. */
import type { StageName } from '../schemas/config.js';
import { pipelineJsonSchema } from '../schemas/json-schema.js';
import { openEmbedder } from '../operators/embedders/open-embedder.js';
import { startEmbeddingServer } from '../operators/embedding-server.js';
import { parseArgs } from './flags.js';
import { COMMAND_HELP, mainHelp, settingsHelp } from './help.js';
import { RunState } from './manifest.js';
import { log } from './progress.js';
import { runQuery, type QueryFormat } from './query.js';
import { writeReport } from './report.js';
import { runStages } from './run-stages.js';
import { SettingsError, loadPipelineFile, resolveSettings, type SettingsLayer } from './settings.js';

const STAGES_OF: Record<string, StageName[]> = {
  embed: ['embed'],
  fit: ['embed', 'fit'],
  infer: ['embed', 'fit', 'infer'],
};

class UsageError extends Error {}

function inputsAndOutDir(command: string, positionals: string[]): SettingsLayer {
  if (positionals.length < 2) throw new UsageError(`${command} needs INPUT... and OUTDIR\n\n${COMMAND_HELP[command]}`);
  return { origin: 'command line', values: { input: positionals.slice(0, -1), output_dir: positionals[positionals.length - 1] } };
}

/** Settings a previous run in OUTDIR used, so `sample OUTDIR --sample-size 5` changes only that. */
function previousRun(outDir: string): SettingsLayer {
  if (!RunState.exists(outDir)) throw new UsageError(`${outDir} holds no semclust run (no manifest.json): run embed / fit / infer first`);
  return { origin: `${outDir}/manifest.json`, values: { ...RunState.open(outDir).settings, output_dir: outDir } };
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
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    process.stdout.write((topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : mainHelp()) + '\n');
    return 0;
  }
  if (command === '--version') {
    process.stdout.write('semclust 0.1.0\n');
    return 0;
  }
  try {
    if (!(command in COMMAND_HELP)) throw new UsageError(`unknown command "${command}"\n\n${mainHelp()}`);
    const args = parseArgs(rest, ['help', 'quiet', 'format', 'port', 'host'], ['help', 'quiet']);
    if (args.options.help) {
      process.stdout.write(`${COMMAND_HELP[command]}\n\n${settingsHelp()}\n`);
      return 0;
    }
    const quiet = Boolean(args.options.quiet);
    switch (command) {
      case 'run': {
        if (args.positionals.length !== 1) throw new UsageError(COMMAND_HELP.run);
        const settings = resolveSettings([loadPipelineFile(args.positionals[0]), args.settings]);
        await runStages(settings, settings.stages, { quiet });
        return 0;
      }
      case 'embed':
      case 'fit':
      case 'infer': {
        const settings = resolveSettings([inputsAndOutDir(command, args.positionals), args.settings]);
        await runStages(settings, STAGES_OF[command], { quiet });
        return 0;
      }
      case 'sample': {
        if (args.positionals.length !== 1) throw new UsageError(COMMAND_HELP.sample);
        const settings = resolveSettings([previousRun(args.positionals[0]), args.settings]);
        await runStages(settings, ['sample'], { quiet });
        return 0;
      }
      case 'report': {
        if (args.positionals.length !== 1) throw new UsageError(COMMAND_HELP.report);
        const settings = resolveSettings([previousRun(args.positionals[0]), args.settings]);
        process.stdout.write(`${await writeReport(args.positionals[0], settings)}\n`);
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
    }
    return 2;
  } catch (e) {
    if (e instanceof UsageError || e instanceof SettingsError) {
      log(`semclust ${command}: ${e.message}`);
      return 2;
    }
    log(`semclust ${command}: ${(e as Error).message}`);
    if (process.env.SEMCLUST_DEBUG) log((e as Error).stack ?? '');
    return 1;
  }
}
