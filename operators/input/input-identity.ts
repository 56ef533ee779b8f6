/**
 * Identifying input files between runs: path (relative to OUTDIR), size and mtime from a
 * stat, and the xxh3-128 of the content, which readLines computes while reading. A file
 * whose size changed has changed; one whose mtime alone changed is hashed again to tell
 * a touched file from an edited one (read-lines.ts contentDigest).
 */
import fs from 'node:fs';
import path from 'node:path';
import { STDIN } from './read-lines.js';

export interface FileStat {
  path: string;
  size: number;
  mtime_ms: number;
}

export function statInputs(sources: readonly string[], outDir: string): FileStat[] {
  return sources
    .filter((f) => f !== STDIN)
    .map((f) => {
      const st = fs.statSync(f);
      return { path: path.relative(outDir, path.resolve(f)), size: st.size, mtime_ms: st.mtimeMs };
    });
}
