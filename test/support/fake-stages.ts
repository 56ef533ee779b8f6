/**
 * Two small stages for the run protocol's unit tests (test/pipeline/run/): a resumable,
 * splittable "embed" whose units each write embeddings/part-U.txt and a ledger entry, and a
 * "fit" that needs it. No model, no Parquet: what the protocol does around a stage is all
 * that is observed. `control` makes a unit fail or hang, and records which units ran.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StageStats } from '../../pipeline/stages/index.js';
import { embedStats } from '../../pipeline/stages/embed.js';
import { fitStats } from '../../pipeline/stages/fit.js';
import type { Stage, StageRun, WorkUnit } from '../../pipeline/run/stage.js';

export interface FakeControl {
  units: number;
  /** This unit throws (an interrupted attempt). */
  failAt?: number;
  /** This unit writes `marker` and never finishes (for a signal from outside). */
  hangAt?: number;
  marker?: string;
  /** Units run, in order, across calls. */
  ran: number[];
}

const partFile = (outDir: string, u: number) => path.join(outDir, 'embeddings', `part-${u}.txt`);

async function runUnit(ctx: StageRun, c: FakeControl, u: number): Promise<void> {
  if (c.failAt === u) throw new Error(`fake unit ${u} failed`);
  if (c.hangAt === u) {
    fs.writeFileSync(c.marker!, String(u));
    await new Promise(() => setInterval(() => {}, 1000));
  }
  fs.mkdirSync(path.dirname(partFile(ctx.outDir, u)), { recursive: true });
  fs.writeFileSync(partFile(ctx.outDir, u), `unit ${u} part_rows ${ctx.settings.part_rows}\n`);
  ctx.ledger.record(u, { rows: 10 });
  c.ran.push(u);
}

/** Runs `units`, keeping those the ledger records when resuming; the number kept. */
async function runUnits(ctx: StageRun, c: FakeControl, units: readonly WorkUnit[]): Promise<number> {
  const recorded = ctx.resuming ? ctx.ledger.entries() : new Map();
  for (const u of units) if (!recorded.has(u.id)) await runUnit(ctx, c, u.id);
  return units.filter((u) => recorded.has(u.id)).length;
}

const fakeEmbedStats = (parts: number, kept: number): StageStats<'embed'> => ({
  lines_read: parts * 10,
  rows: parts * 10,
  rejected: 0,
  rejected_by_reason: {},
  embedded: parts * 10,
  duplicates: 0,
  parts,
  dims: 4,
  model: 'fake',
  model_revision: null,
  inputs: [],
  resumed_parts: kept,
});

export function fakeStages(c: FakeControl): Stage[] {
  const units = async () => Array.from({ length: c.units }, (_, u) => ({ id: u, from: u }));
  const embed: Stage<'embed', typeof embedStats> = {
    name: 'embed',
    command: { summary: 'fake embed', usage: 'semclust embed INPUT... OUTDIR', help: '', runs: ['embed'] },
    hint: 'SELECT 1',
    outputs: ['embeddings', 'progress/embed'],
    stats: embedStats,
    needs: [],
    settings: ['part_rows'],
    resumable: true,
    async run(ctx) {
      const kept = await runUnits(ctx, c, await units());
      return fakeEmbedStats(c.units, kept);
    },
    split: {
      noun: 'units',
      units,
      async run(ctx, _prepared, mine) {
        const kept = await runUnits(ctx, c, mine);
        return { facts: { dims: 4, model: 'fake' }, note: `, ${mine.length - kept} run` };
      },
      async unfinished(ctx) {
        const recorded = ctx.ledger.entries();
        return (await units()).filter((u) => !recorded.has(u.id));
      },
      async merge(ctx, shards) {
        // The merged output: every unit's part in unit order, as one process would leave them.
        const joined = (await units()).map((u) => fs.readFileSync(partFile(ctx.outDir, u.id), 'utf8')).join('');
        fs.writeFileSync(path.join(ctx.outDir, 'embeddings', 'merged.txt'), joined);
        return { stats: fakeEmbedStats(c.units, 0), summary: `${shards.length} shard records, ${c.units} units` };
      },
    },
  };
  const fit: Stage<'fit', typeof fitStats> = {
    name: 'fit',
    command: { summary: 'fake fit', usage: 'semclust fit OUTDIR', help: '', runs: ['embed', 'fit'] },
    hint: 'SELECT 2',
    outputs: ['model'],
    stats: fitStats,
    needs: ['embed'],
    settings: ['kmeans_num_clusters'],
    resumable: false,
    async run(ctx) {
      fs.writeFileSync(path.join(ctx.outDir, 'model'), `k ${ctx.settings.kmeans_num_clusters}\n`);
      return { fit_rows: ctx.state.stats('embed').rows, algorithm: 'kmeans', projection: 'none', clusters: ctx.settings.kmeans_num_clusters };
    },
  };
  return [embed, fit] as unknown as Stage[];
}
