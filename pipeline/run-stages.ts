/**
 * Runs the requested stages in order over one output folder, then prints the run summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Settings, StageName } from '../schemas/config.js';
import { RunState } from './manifest.js';
import { log } from './progress.js';
import type { StageContext } from './stage-context.js';
import { embedStage } from './stages/embed.js';
import { fitStage } from './stages/fit.js';
import { inferStage } from './stages/infer.js';
import { sampleStage } from './stages/sample.js';

const STAGE_RUNNERS: Record<StageName, (ctx: StageContext) => Promise<void>> = {
  embed: embedStage,
  fit: fitStage,
  infer: inferStage,
  sample: sampleStage,
};

export interface RunOptions {
  quiet?: boolean;
  stdin?: NodeJS.ReadableStream;
  /** Where messages go (default stderr); progress is separate (see quiet). */
  log?: (message: string) => void;
}

function summaryLines(state: RunState, outDir: string, stages: readonly StageName[]): string[] {
  const lines = ['', `summary (${outDir}):`];
  for (const stage of stages) {
    const r = state.record(stage);
    if (!r || r.status !== 'complete') continue;
    const stats = Object.entries(r.stats ?? {})
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`)
      .join('  ');
    lines.push(`  ${stage.padEnd(6)} ${(r.seconds ?? 0).toFixed(1).padStart(7)} s  ${stats}`);
  }
  const outputs = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => !f.endsWith('.tmp')) : [];
  lines.push(`  outputs: ${outputs.map((f) => path.join(outDir, f)).join(', ')}`);
  // Name a view that exists now: clusters only after infer, rows after embed alone or fit.
  const hint = outputs.includes('clusters.parquet')
    ? 'SELECT * FROM clusters ORDER BY size DESC LIMIT 10'
    : 'SELECT text FROM rows LIMIT 10';
  lines.push(`  query them: semclust query ${outDir} "${hint}"`);
  return lines;
}

export async function runStages(settings: Settings, stages: readonly StageName[], options: RunOptions = {}): Promise<RunState> {
  if (!settings.output_dir) throw new Error('no output folder: give OUTDIR or set output_dir');
  const outDir = settings.output_dir;
  fs.mkdirSync(outDir, { recursive: true });
  const state = RunState.open(outDir);
  const ctx: StageContext = { settings, outDir, state, quiet: options.quiet ?? false, stdin: options.stdin, log: options.log ?? log };
  for (const stage of stages) {
    await STAGE_RUNNERS[stage](ctx);
  }
  ctx.log(summaryLines(state, outDir, stages).join('\n'));
  return state;
}
