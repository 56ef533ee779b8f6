/**
 * The embed stage's sink: buffers rows and vectors up to a part size, then writes
 * `rows/part-N.parquet` and `embeddings/part-N.parquet` atomically; rejects are appended
 * to `rejects.jsonl` as they arrive. Memory holds one part, never the dataset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS, ROWS } from '../schemas/tables.js';
import type { EmbeddedBatch } from './embed.js';
import { partName, writeParquet } from './parquet.js';

export interface EmbedPartsSummary {
  parts: number;
  rows: number;
  embedded: number;
  rejected: number;
}

export class EmbedPartsWriter {
  private ids: string[] = [];
  private texts: string[] = [];
  private records: string[] = [];
  private sources: string[] = [];
  private lines: number[] = [];
  private embeddedIds: string[] = [];
  private vectors: Float32Array;
  private part = 0;
  readonly summary: EmbedPartsSummary = { parts: 0, rows: 0, embedded: 0, rejected: 0 };

  constructor(
    private readonly outDir: string,
    private readonly dims: number,
    private readonly partRows: number,
    private readonly rejectsFile: string,
  ) {
    this.vectors = new Float32Array(partRows * dims);
  }

  write(batch: EmbeddedBatch): void {
    if (batch.rejects.length > 0) {
      fs.appendFileSync(this.rejectsFile, batch.rejects.map((r) => JSON.stringify(r)).join('\n') + '\n');
      this.summary.rejected += batch.rejects.length;
    }
    this.ids.push(...batch.ids);
    this.texts.push(...batch.texts);
    this.records.push(...batch.records);
    this.sources.push(...batch.sources);
    this.lines.push(...batch.lines);
    const used = this.embeddedIds.length * this.dims;
    if (used + batch.vectors.length > this.vectors.length) {
      const grown = new Float32Array(Math.max(this.vectors.length * 2, used + batch.vectors.length));
      grown.set(this.vectors.subarray(0, used));
      this.vectors = grown;
    }
    this.vectors.set(batch.vectors, used);
    this.embeddedIds.push(...batch.embeddedIds);
    if (this.ids.length >= this.partRows) this.flush();
  }

  /** Writes what is buffered; returns the totals. */
  finish(): EmbedPartsSummary {
    if (this.ids.length > 0 || this.part === 0) this.flush();
    return this.summary;
  }

  private flush(): void {
    const name = partName(this.part++);
    const n = this.ids.length;
    writeParquet(
      path.join(this.outDir, ROWS.path, name),
      ROWS,
      { id: this.ids, text: this.texts, record: this.records, source: this.sources, line: Float64Array.from(this.lines) },
      n,
    );
    const m = this.embeddedIds.length;
    writeParquet(path.join(this.outDir, EMBEDDINGS.path, name), EMBEDDINGS, { id: this.embeddedIds, embedding: { values: this.vectors, dims: this.dims } }, m);
    this.summary.parts++;
    this.summary.rows += n;
    this.summary.embedded += m;
    this.ids = [];
    this.texts = [];
    this.records = [];
    this.sources = [];
    this.lines = [];
    this.embeddedIds = [];
  }
}
