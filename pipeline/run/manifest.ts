/**
 * Run state in OUTDIR/manifest.json: each stage's record (settings, key, state, stats).
 * Only run-stages.ts changes it; stages read their upstream's typed statistics from it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { STAGES, type StageName } from '../../schemas/config.js';
import { MANIFEST_VERSION, Manifest, type StageRecord } from '../../schemas/manifest.js';
import { FILES } from '../../schemas/tables.js';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import { STAGE_BY_NAME, type StageStats } from '../stages/index.js';

export function stageKey(settings: Record<string, unknown>, upstreamKeys: readonly string[]): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ settings, upstream: upstreamKeys }));
  return h.digest('hex').slice(0, 16);
}

export class RunState {
  private constructor(
    readonly outDir: string,
    private readonly manifest: Manifest,
  ) {}

  static open(outDir: string): RunState {
    const file = path.join(outDir, FILES.manifest);
    if (!fs.existsSync(file)) return new RunState(outDir, { version: MANIFEST_VERSION, stages: {} });
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message}); delete it to start this output folder afresh`);
    }
    if ((raw as { version?: unknown })?.version !== MANIFEST_VERSION) {
      throw new Error(`${file}: written by an older semclust (manifest version ${(raw as { version?: unknown })?.version}); use a new output folder, or delete ${outDir} to start afresh`);
    }
    const parsed = Manifest.safeParse(raw);
    if (!parsed.success) throw new Error(`${file}: not a semclust manifest; delete it to start this output folder afresh`);
    return new RunState(outDir, parsed.data);
  }

  static exists(outDir: string): boolean {
    return fs.existsSync(path.join(outDir, FILES.manifest));
  }

  record(stage: StageName): StageRecord | undefined {
    return this.manifest.stages[stage];
  }

  isComplete(stage: StageName): boolean {
    return this.manifest.stages[stage]?.status === 'complete';
  }

  /** The key later stages are keyed on: the stage's own, or the one it had before it was extended. */
  upstreamKey(stage: StageName): string {
    const r = this.manifest.stages[stage]!;
    return r.base_key ?? r.key;
  }

  /** A complete stage's statistics, validated by its schema. */
  stats<N extends StageName>(stage: N): StageStats<N> {
    const r = this.manifest.stages[stage];
    if (r?.status !== 'complete') throw new Error(`${this.outDir}: stage ${stage} is not complete`);
    return STAGE_BY_NAME[stage].stats.parse(r.stats) as StageStats<N>;
  }

  /** Removes this stage's outputs and every later stage's, then records it as running. */
  begin(stage: StageName, key: string, settings: Record<string, unknown>): void {
    for (const s of STAGES.slice(STAGES.indexOf(stage))) {
      for (const out of STAGE_BY_NAME[s].outputs) fs.rmSync(path.join(this.outDir, out), { recursive: true, force: true });
      delete this.manifest.stages[s];
    }
    this.manifest.stages[stage] = { status: 'running', key, settings, started_at: new Date().toISOString() };
    this.save();
  }

  complete<N extends StageName>(stage: N, stats: StageStats<N>): StageRecord {
    const r = this.manifest.stages[stage];
    if (!r) throw new Error(`stage ${stage} was not begun`);
    const finished = new Date();
    r.status = 'complete';
    r.finished_at = finished.toISOString();
    r.seconds = (finished.getTime() - Date.parse(r.started_at)) / 1000;
    r.stats = STAGE_BY_NAME[stage].stats.parse(stats) as Record<string, unknown>;
    this.save();
    return r;
  }

  /**
   * Records a stage whose outputs were written elsewhere (the N shards of a sharded stage,
   * checked and merged): its outputs are kept, every later stage's are removed.
   */
  adopt<N extends StageName>(stage: N, key: string, settings: Record<string, unknown>, startedAt: string, stats: StageStats<N>): StageRecord {
    for (const s of STAGES.slice(STAGES.indexOf(stage) + 1)) {
      for (const out of STAGE_BY_NAME[s].outputs) fs.rmSync(path.join(this.outDir, out), { recursive: true, force: true });
      delete this.manifest.stages[s];
    }
    const finished = new Date();
    const r: StageRecord = {
      status: 'complete',
      key,
      settings,
      started_at: startedAt,
      finished_at: finished.toISOString(),
      seconds: (finished.getTime() - Date.parse(startedAt)) / 1000,
      stats: STAGE_BY_NAME[stage].stats.parse(stats) as Record<string, unknown>,
    };
    this.manifest.stages[stage] = r;
    this.save();
    return r;
  }

  /**
   * Records a complete stage as running again to take new input (the plan's 'extend'): its
   * outputs stay and later stages stay keyed on its first key. A later stage that keeps its
   * outputs stays complete, one that continues by part is marked running (so no command reads
   * its partial outputs as complete), any other is removed.
   */
  extend(stage: StageName, key: string, settings: Record<string, unknown>): void {
    const r = this.manifest.stages[stage];
    if (!r) throw new Error(`stage ${stage} was not run`);
    this.manifest.stages[stage] = { status: 'running', key, base_key: r.base_key ?? r.key, settings, started_at: new Date().toISOString() };
    for (const s of STAGES.slice(STAGES.indexOf(stage) + 1)) {
      const later = this.manifest.stages[s];
      const how = STAGE_BY_NAME[s].onExtend;
      if (!later || how === 'keep') continue;
      if (how === 'continue') later.status = 'running';
      else {
        for (const out of STAGE_BY_NAME[s].outputs) fs.rmSync(path.join(this.outDir, out), { recursive: true, force: true });
        delete this.manifest.stages[s];
      }
    }
    this.save();
  }

  /** Begins a running stage again from nothing (an interrupted attempt that cannot be resumed). */
  restart(stage: StageName): void {
    const r = this.manifest.stages[stage];
    if (!r) throw new Error(`stage ${stage} was not begun`);
    this.begin(stage, r.key, r.settings);
  }

  private save(): void {
    fs.mkdirSync(this.outDir, { recursive: true });
    writeFileAtomic(path.join(this.outDir, FILES.manifest), JSON.stringify(this.manifest, null, 2) + '\n');
  }
}
