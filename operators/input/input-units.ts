/**
 * The input split into units a shard can own: each plain JSONL file as byte ranges of a
 * fixed size, every range starting at the first line start at or after its nominal start
 * (a line belongs to the unit in which it starts, so no line is cut or read twice); a gzip
 * file as one unit (a gzip stream cannot be entered mid-way). Units are numbered across the
 * files in input order, so the split depends only on the files and the unit size, never on
 * which machine or how many shards read them. A Parquet, CSV or TSV file is one unit (row
 * groups as units would be the next step).
 */
import fs from 'node:fs';
import { STDIN, isGzipFile } from './read-lines.js';
import { tableFormat } from './read-table.js';

export interface InputUnit {
  /** Global unit number, in input order. */
  unit: number;
  /** The input as given (what rows.source records). */
  source: string;
  /** Byte range [start, end) of the file; a line starts at `start`. */
  start: number;
  end: number;
  /** The file is read whole (gzip, Parquet, CSV/TSV): start 0, end its size. */
  whole: boolean;
}

const NEWLINE = 0x0a;
const SCAN = 1 << 16;

/** The first line start at or after `pos`: pos itself when a newline precedes it, else just after the next newline. */
function lineStartAtOrAfter(fd: number, pos: number, size: number): number {
  if (pos <= 0) return 0;
  const buf = Buffer.allocUnsafe(SCAN);
  for (let at = pos - 1; at < size; at += SCAN) {
    const n = fs.readSync(fd, buf, 0, SCAN, at);
    const nl = buf.subarray(0, n).indexOf(NEWLINE);
    if (nl >= 0) return at + nl + 1;
  }
  return size;
}

/** The byte ranges of one source file, unit numbers from `first`. */
export function unitsOfSource(source: string, unitBytes: number, first: number): InputUnit[] {
  const size = fs.statSync(source).size;
  const fd = fs.openSync(source, 'r');
  try {
    if (tableFormat(source) !== null || isGzipFile(source)) return [{ unit: first, source, start: 0, end: size, whole: true }];
    const starts: number[] = [];
    for (let nominal = 0; nominal < size || starts.length === 0; nominal += unitBytes) starts.push(lineStartAtOrAfter(fd, nominal, size));
    return starts.map((start, i) => ({ unit: first + i, source, start, end: starts[i + 1] ?? size, whole: false }));
  } finally {
    fs.closeSync(fd);
  }
}

/** Every unit of the inputs, in input order. stdin cannot be split: an error that says what to do. */
export function listUnits(sources: readonly string[], unitBytes: number): InputUnit[] {
  if (sources.includes(STDIN)) {
    throw new Error('stdin cannot be sharded: every shard would need the whole stream. Write it to a file (or several) on storage all shards see and pass those, or drop --shard');
  }
  const units: InputUnit[] = [];
  for (const s of sources) units.push(...unitsOfSource(s, unitBytes, units.length));
  return units;
}

/** Newlines in bytes [from, to) of a plain file: the line number a unit starts after. */
export async function countNewlines(file: string, from: number, to: number): Promise<number> {
  if (to <= from) return 0;
  let n = 0;
  for await (const chunk of fs.createReadStream(file, { start: from, end: to - 1, highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer;
    for (let i = b.indexOf(NEWLINE); i >= 0; i = b.indexOf(NEWLINE, i + 1)) n++;
  }
  return n;
}
