/**
 * The parse operator's first half: JSONL sources (files, globs, "-" for stdin; gzip read
 * transparently) as batches of decoded lines with their file and 1-based line number.
 * Parquet, CSV and TSV files join the same batches as one JSON record per row, numbered
 * by row (read-table.ts).
 * Lines that cannot become text — invalid UTF-8, over the size limit, blank — come out as
 * rejects in the same batch, so nothing is dropped silently. Memory is bounded by the
 * batch size and the line limit: an over-long line is skipped without buffering it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { createXXHash128 } from 'hash-wasm';
import { glob } from 'tinyglobby';
import type { Reject } from './reject.js';
import { fetchHubDataset, isHubDataset } from './hub-dataset.js';
import { readTableRecords, tableFormat } from './read-table.js';

export const STDIN = '-';

/**
 * Where reading stands: `line` lines of source `source` consumed, ending `byte` bytes into
 * its (decompressed) stream, and the state of that source's content digest at that point.
 * For a Parquet / CSV / TSV source, `line` is the rows consumed (`byte` 0, no digest state).
 * A batch's `end` is a resume point: reading again from it continues exactly after it.
 */
export interface InputPosition {
  source: number;
  line: number;
  byte: number;
  /** hash-wasm xxh3-128 state of the source's bytes before `byte` (base64). */
  digestState: string | null;
}

export interface LineBatch {
  lines: string[];
  sources: string[];
  lineNumbers: number[];
  rejects: Reject[];
  /** Input bytes consumed so far across all sources (compressed bytes for .gz). */
  bytesRead: number;
  end: InputPosition;
  /** xxh3-128 hex of every source finished so far (null for stdin). */
  digests: (string | null)[];
  /** The batch is the last of a shard unit (see `unitBytes`): the part it is in ends with it. */
  endsUnit?: boolean;
}

export interface ReadLinesOptions {
  maxLineBytes: number;
  batchLines?: number;
  /** Overrides process.stdin for "-" (tests, library use). */
  stdin?: NodeJS.ReadableStream;
  /** Resume after this position (a previous batch's `end`), with the digests finished before it. */
  start?: { position: InputPosition; digests: (string | null)[] };
  /** Stop at this byte of the first source read (a plain file; a shard's unit ends at a line start). */
  end?: number;
  /**
   * End a batch (marked `endsUnit`) wherever a shard unit ends (operators/input/input-units.ts: at
   * the first line start at or after each multiple of this many bytes of a plain file, and at
   * every file's end), so one process cuts its parts where N shards do and both give the same
   * parts, batches and therefore the same results for batch-sensitive steps.
   */
  unitBytes?: number;
  /** The csv_delimiter setting: the field delimiter of .csv/.tsv inputs (default by extension). */
  csvDelimiter?: string;
}

/** The data files a folder input stands for: a Hugging Face dataset folder keeps its shards as data/train-00000-of-00002.parquet. */
const FOLDER_FILES = '**/*.{parquet,csv,tsv,csv.gz,tsv.gz,jsonl,jsonl.gz,ndjson,ndjson.gz}';

/**
 * Expands globs and folders (their data files, sorted) and hf://datasets/… splits (their Parquet
 * files in the hub cache, downloaded when missing: hub-dataset.ts), keeps "-" and plain paths;
 * fails when one matches nothing.
 */
export async function resolveInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === STDIN) {
      out.push(input);
    } else if (isHubDataset(input)) {
      out.push(...(await fetchHubDataset(input)).files);
    } else if (fs.existsSync(input)) {
      if (fs.statSync(input).isDirectory()) {
        const files = (await glob(FOLDER_FILES, { cwd: input, onlyFiles: true })).sort().map((f) => path.join(input, f));
        if (files.length === 0) throw new Error(`input "${input}" is a folder with no .parquet, .csv, .tsv or .jsonl file in it: pass its files or a glob`);
        out.push(...files);
        continue;
      }
      out.push(input);
    } else {
      const matches = (await glob(input, { onlyFiles: true })).sort();
      if (matches.length === 0) throw new Error(`input "${input}" matches no file`);
      out.push(...matches);
    }
  }
  return out;
}

/** Total size of the file inputs, for progress ETA; null when stdin is among them. */
export function totalInputBytes(sources: readonly string[]): number | null {
  let total = 0;
  for (const s of sources) {
    if (s === STDIN) return null;
    total += fs.statSync(s).size;
  }
  return total;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const NEWLINE = 0x0a;

/** Whether a file starts with the gzip magic bytes (what rawChunks decompresses). */
export function isGzipFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  } finally {
    fs.closeSync(fd);
  }
}

/** The decompressed bytes of one source from `offset` (raw files seek; gzip is re-read). */
async function* rawChunks(source: string, stdin: NodeJS.ReadableStream | undefined, offset: number, onBytes: (n: number) => void, end?: number) {
  const raw = source === STDIN ? (stdin ?? process.stdin) : fs.createReadStream(source, { highWaterMark: 1 << 20 });
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await it.next();
  if (first.done) return;
  const firstChunk = Buffer.from(first.value);
  async function* counted() {
    onBytes(firstChunk.length);
    yield firstChunk;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const chunk = Buffer.from(r.value);
      onBytes(chunk.length);
      yield chunk;
    }
  }
  const gzipped = firstChunk.length >= 2 && firstChunk[0] === GZIP_MAGIC_0 && firstChunk[1] === GZIP_MAGIC_1;
  if (!gzipped) {
    if (offset === 0 && end === undefined) {
      yield* counted();
      return;
    }
    // Resuming a plain file: seek instead of reading what is already done.
    (raw as fs.ReadStream).destroy();
    if (end !== undefined && end <= offset) return;
    const rest = fs.createReadStream(source, { start: offset, end: end === undefined ? undefined : end - 1, highWaterMark: 1 << 20 });
    for await (const chunk of rest) {
      onBytes((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    return;
  }
  const gunzip = zlib.createGunzip();
  // pipeline destroys gunzip with the first error, which makes the iteration below throw it.
  pipeline(Readable.from(counted()), gunzip, () => {});
  let skip = offset;
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

const toBase64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** zlib's own words ("unexpected end of file") say neither which file nor how far it got. */
function damagedGzip(e: unknown, label: string, lines: number, compressedBytes: number): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return e;
  const what = code === 'Z_BUF_ERROR' ? 'is cut short' : 'is damaged';
  return new Error(
    `${label}: the gzip data ${what} after line ${lines.toLocaleString('en-US')} (${compressedBytes.toLocaleString('en-US')} compressed bytes read; zlib: ${(e as Error).message}). ` +
      `Lines before it in finished parts are kept and a rerun resumes after them; check the file with \`gzip -t ${label}\`, then repair it or leave it out of the input.`,
  );
}

export async function* readLines(sources: readonly string[], options: ReadLinesOptions): AsyncGenerator<LineBatch> {
  const batchLines = options.batchLines ?? 4096;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const hasher = await createXXHash128();
  const startAt = options.start?.position ?? { source: 0, line: 0, byte: 0, digestState: null };
  const digests: (string | null)[] = [...(options.start?.digests ?? [])];
  let bytesRead = 0;
  for (let i = 0; i < startAt.source && i < sources.length; i++) if (sources[i] !== STDIN) bytesRead += fs.statSync(sources[i]).size;
  const newBatch = (): LineBatch => ({ lines: [], sources: [], lineNumbers: [], rejects: [], bytesRead, end: startAt, digests: [] });
  let batch = newBatch();
  // Position of the last complete line, updated as lines are consumed.
  let at: InputPosition = startAt;

  const full = () => batch.lines.length + batch.rejects.length >= batchLines;
  const take = (endsUnit = false) => {
    const b = batch;
    b.bytesRead = bytesRead;
    b.end = at;
    b.digests = [...digests];
    if (endsUnit) b.endsUnit = true;
    batch = newBatch();
    return b;
  };
  const unitBytes = options.unitBytes;

  for (let si = startAt.source; si < sources.length; si++) {
    const source = sources[si];
    const label = source === STDIN ? '<stdin>' : source;
    const resuming = si === startAt.source;
    if (unitBytes !== undefined && si > startAt.source && batch.lines.length + batch.rejects.length > 0) yield take(true);
    if (source !== STDIN && tableFormat(source)) {
      const size = fs.statSync(source).size;
      const sourceStart = bytesRead;
      let row = resuming ? startAt.line : 0;
      for await (const chunk of readTableRecords(source, row, options.csvDelimiter)) {
        for (const record of chunk.records) {
          row++;
          const bytes = Buffer.byteLength(record);
          if (bytes > options.maxLineBytes) batch.rejects.push({ source: label, line: row, reason: 'line_too_long', detail: `${bytes} bytes of JSON > ${options.maxLineBytes}` });
          else {
            batch.lines.push(record);
            batch.sources.push(label);
            batch.lineNumbers.push(row);
          }
          if (full()) {
            bytesRead = sourceStart + Math.round(size * (chunk.fraction ?? 0));
            at = { source: si, line: row, byte: 0, digestState: null };
            yield take();
          }
        }
      }
      // The digest is of the file's bytes (as contentDigest reads them), taken in a second pass.
      digests[si] = await contentDigest(source);
      bytesRead = sourceStart + size;
      at = { source: si + 1, line: 0, byte: 0, digestState: null };
      continue;
    }
    let lineNo = resuming ? startAt.line : 0;
    let offset = resuming ? startAt.byte : 0;
    // A plain file is read on from `offset`; a gzip file is read (and counted, compressed) from its start.
    if (resuming && source !== STDIN && !isGzipFile(source)) bytesRead += offset;
    hasher.init();
    if (resuming && startAt.digestState) hasher.load(Buffer.from(startAt.digestState, 'base64'));
    let pending: Buffer | null = null;
    let overLong = 0;
    // The next unit boundary of a plain file: the first line start at or after it begins a unit.
    let nextUnit = unitBytes !== undefined && source !== STDIN && !isGzipFile(source) ? (Math.floor(offset / unitBytes) + 1) * unitBytes : Infinity;

    const emit = (bytes: Buffer) => {
      lineNo++;
      if (overLong > 0) {
        batch.rejects.push({ source: label, line: lineNo, reason: 'line_too_long', detail: `${overLong + bytes.length} bytes > ${options.maxLineBytes}` });
        overLong = 0;
        return;
      }
      let end = bytes.length;
      if (end > 0 && bytes[end - 1] === 0x0d) end--;
      if (end > options.maxLineBytes) {
        batch.rejects.push({ source: label, line: lineNo, reason: 'line_too_long', detail: `${end} bytes > ${options.maxLineBytes}` });
        return;
      }
      let text: string;
      try {
        text = decoder.decode(bytes.subarray(0, end));
      } catch {
        batch.rejects.push({ source: label, line: lineNo, reason: 'invalid_utf8', detail: 'invalid UTF-8 byte sequence' });
        return;
      }
      if (text.trim() === '') {
        batch.rejects.push({ source: label, line: lineNo, reason: 'empty_line', detail: 'blank line' });
        return;
      }
      batch.lines.push(text);
      batch.sources.push(label);
      batch.lineNumbers.push(lineNo);
    };
    // The digest covers exactly the bytes before `at`, so a resume point carries its state.
    const mark = () => {
      at = { source: si, line: lineNo, byte: offset, digestState: source === STDIN ? null : toBase64(hasher.save()) };
    };

    const sourceStart = bytesRead;
    try {
      for await (const chunk of rawChunks(source, options.stdin, offset, (n) => (bytesRead += n), resuming ? options.end : undefined)) {
        let start = 0;
        let hashed = 0;
        for (;;) {
          const nl = chunk.indexOf(NEWLINE, start);
          if (nl < 0) break;
          const piece = chunk.subarray(start, nl);
          emit(pending ? Buffer.concat([pending, piece]) : piece);
          pending = null;
          offset += nl + 1 - start;
          start = nl + 1;
          const unitEnds = offset >= nextUnit;
          if (unitEnds) nextUnit = (Math.floor(offset / unitBytes!) + 1) * unitBytes!;
          if (full() || (unitEnds && batch.lines.length + batch.rejects.length > 0)) {
            hasher.update(chunk.subarray(hashed, start));
            hashed = start;
            mark();
            yield take(unitEnds);
          }
        }
        hasher.update(chunk.subarray(hashed));
        if (start < chunk.length) {
          const tail = chunk.subarray(start);
          offset += tail.length;
          if (overLong > 0) {
            overLong += tail.length;
          } else {
            const size = (pending?.length ?? 0) + tail.length;
            if (size > options.maxLineBytes + 1) {
              // Give up on this line's content; only its length is reported.
              overLong = size;
              pending = null;
            } else {
              pending = pending ? Buffer.concat([pending, tail]) : Buffer.from(tail);
            }
          }
        }
      }
    } catch (e) {
      throw damagedGzip(e, label, lineNo, bytesRead - sourceStart);
    }
    if (pending || overLong > 0) emit(pending ?? Buffer.alloc(0));
    digests[si] = source === STDIN ? null : hasher.digest('hex');
    at = { source: si + 1, line: 0, byte: 0, digestState: null };
  }
  // The last batch carries every source's final digest, even when it holds no line.
  if (sources.length > startAt.source || batch.lines.length + batch.rejects.length > 0) yield take();
}

/** The xxh3-128 readLines records for a file (of its decompressed content), without parsing lines. */
export async function contentDigest(file: string): Promise<string> {
  const hasher = await createXXHash128();
  hasher.init();
  for await (const chunk of rawChunks(file, undefined, 0, () => {})) hasher.update(chunk);
  return hasher.digest('hex');
}
