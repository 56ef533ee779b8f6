/**
 * The parse operator's first half: JSONL sources (files, globs, "-" for stdin; gzip read
 * transparently) as batches of decoded lines with their file and 1-based line number.
 * Lines that cannot become text — invalid UTF-8, over the size limit, blank — come out as
 * rejects in the same batch, so nothing is dropped silently. Memory is bounded by the
 * batch size and the line limit: an over-long line is skipped without buffering it.
 */
import fs from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { glob } from 'tinyglobby';
import type { Reject } from './reject.js';

export const STDIN = '-';

export interface LineBatch {
  lines: string[];
  sources: string[];
  lineNumbers: number[];
  rejects: Reject[];
  /** Input bytes consumed so far across all sources (compressed bytes for .gz). */
  bytesRead: number;
}

export interface ReadLinesOptions {
  maxLineBytes: number;
  batchLines?: number;
  /** Overrides process.stdin for "-" (tests, library use). */
  stdin?: NodeJS.ReadableStream;
}

/** Expands globs, keeps "-" and plain paths; fails when a path or glob matches nothing. */
export async function resolveInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === STDIN) {
      out.push(input);
    } else if (fs.existsSync(input)) {
      if (fs.statSync(input).isDirectory()) {
        throw new Error(`input "${input}" is a folder: pass its files or a glob such as "${input}/*.jsonl"`);
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

/** The decompressed bytes of one source; gzip is recognised by its magic bytes, not its name. */
async function* rawChunks(source: string, stdin: NodeJS.ReadableStream | undefined, onBytes: (n: number) => void) {
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
    yield* counted();
    return;
  }
  const gunzip = zlib.createGunzip();
  // pipeline destroys gunzip with the first error, which makes the iteration below throw it.
  pipeline(Readable.from(counted()), gunzip, () => {});
  yield* gunzip as AsyncIterable<Buffer>;
}

export async function* readLines(sources: readonly string[], options: ReadLinesOptions): AsyncGenerator<LineBatch> {
  const batchLines = options.batchLines ?? 4096;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let bytesRead = 0;
  let batch: LineBatch = { lines: [], sources: [], lineNumbers: [], rejects: [], bytesRead };

  const full = () => batch.lines.length + batch.rejects.length >= batchLines;
  const take = () => {
    const b = batch;
    b.bytesRead = bytesRead;
    batch = { lines: [], sources: [], lineNumbers: [], rejects: [], bytesRead };
    return b;
  };

  for (const source of sources) {
    const label = source === STDIN ? '<stdin>' : source;
    let lineNo = 0;
    let pending: Buffer | null = null;
    let overLong = 0;

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

    for await (const chunk of rawChunks(source, options.stdin, (n) => (bytesRead += n))) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, start);
        if (nl < 0) break;
        const piece = chunk.subarray(start, nl);
        emit(pending ? Buffer.concat([pending, piece]) : piece);
        pending = null;
        start = nl + 1;
        if (full()) yield take();
      }
      if (start < chunk.length) {
        const tail = chunk.subarray(start);
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
    if (pending || overLong > 0) emit(pending ?? Buffer.alloc(0));
  }
  if (batch.lines.length + batch.rejects.length > 0) yield take();
}
