/**
 * `semclust infer OUT --shard I/N`: labels the embeddings parts of shard I's input units
 * (unit u mod N = I; a one-process embed's part-N counts as unit N) with the fitted model.
 * Each part's labels/ and projection/ files and its ledger entry progress/infer/part-P.json
 * are this shard's alone; a rerun labels only the parts not yet recorded. The merge (or
 * `semclust sample`) checks every part and writes clusters.parquet, the statistics and report.
 */
import os from 'node:os';
import path from 'node:path';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import { PartLedger } from '../../operators/store/part-ledger.js';
import { loadFitted } from '../model/fitted-model.js';
import { RunState } from '../run/manifest.js';
import { Progress, log } from '../cli/progress.js';
import { newShardRecord, unitOfPart, writeShardRecord } from './shard-records.js';
import { planShard, withShardLock, type ShardRun } from './shard-run.js';
import { inferJobs, labelParts, type InferEntry } from '../stages/infer.js';
import type { StageRun } from '../run/stage.js';

/** The input unit an embeddings part belongs to, which picks its shard. */
export const partUnit = (file: string, part: number) => unitOfPart(file) ?? part;

export async function runInferShard(run: ShardRun): Promise<void> {
  const { outDir, shard } = run;
  const say = run.log ?? log;
  const plan = await planShard(run, 'infer');
  if (!plan) return;
  await withShardLock(run, 'infer', async () => {
    const state = RunState.open(outDir);
    const all = inferJobs(outDir, loadFitted(outDir).clusterer);
    const mine = all.filter((j) => partUnit(j.file, j.part) % shard.count === shard.index);
    const record = newShardRecord('infer', shard, { key: plan.key, settings: plan.recorded, total: all.length, owned: mine.map((j) => j.part) });
    writeShardRecord(outDir, record);
    const ledger = new PartLedger<InferEntry>(path.join(outDir, PROGRESS_DIR, 'infer'));
    const recorded = ledger.entries();
    const entries = new Map<number, InferEntry>();
    for (const j of mine) if (recorded.has(j.part)) entries.set(j.part, recorded.get(j.part)!);
    const jobs = mine.filter((j) => !entries.has(j.part));
    const ctx: StageRun = {
      settings: plan.settings,
      outDir,
      state,
      log: say,
      progress: (_stage, unit) => new Progress({ stage: `infer ${shard.index}/${shard.count}`, unit, quiet: run.quiet ?? false }),
      quiet: run.quiet ?? false,
      ledger: ledger as PartLedger<unknown>,
      resuming: false,
    };
    // --threads T is the shard's share of the machine: T cores in all (several shards may share one machine).
    await labelParts(ctx, jobs, entries, { cores: plan.settings.threads ?? os.availableParallelism(), total: null });
    record.status = 'complete';
    record.finished_at = new Date().toISOString();
    writeShardRecord(outDir, record);
    const rows = [...entries.values()].reduce((n, e) => n + e.rows, 0);
    say(
      `infer shard ${shard.index}/${shard.count}: ${mine.length} of ${all.length} parts` +
        (mine.length > jobs.length ? ` (${mine.length - jobs.length} labelled earlier, kept)` : '') +
        `, ${rows.toLocaleString('en-US')} rows; when every shard is done: semclust merge ${outDir}`,
    );
  });
}
