/**
 * Synthetic JSONL for benchmarks: every line joins two Banking77 texts, so the words are
 * real, and the pair is unique for up to 13,083² rows (no duplicate ids).
 */
import fs from 'node:fs';
import path from 'node:path';
import { banking77File } from '../scripts/banking77-data.js';

/** Banking77's texts (scripts/banking77-data.ts says where they come from; exit 2 without them). */
export function banking77Texts(): string[] {
  const file = banking77File();
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
}

export function syntheticText(texts: readonly string[], i: number): string {
  const n = texts.length;
  return `${texts[i % n]} ${texts[(Math.floor(i / n) * 7919 + i) % n]}`;
}

/** Writes `rows` lines to `file` (kept between runs when it already has that many). */
export function writeSyntheticJsonl(file: string, rows: number): void {
  const marker = `${file}.rows`;
  if (fs.existsSync(file) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === String(rows)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const texts = banking77Texts();
  const fd = fs.openSync(file, 'w');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += JSON.stringify({ text: syntheticText(texts, i), source: 'synthetic', n: i }) + '\n';
    if (chunk.length > 1 << 22) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.writeFileSync(marker, String(rows));
}
