/**
 * Writes a file so that it either does not exist or is complete, even after kill -9 or a
 * full disk: temp file beside it, every byte written (short writes looped, ENOSPC raised
 * with the path), fsync, rename, fsync of the folder. The temp file is removed on failure,
 * so a failed write leaves the previous version of `file` in place.
 */
import fs from 'node:fs';
import path from 'node:path';

export function tempPathFor(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const tmp = tempPathFor(file);
  const fd = fs.openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.byteLength) {
      const n = fs.writeSync(fd, data, off, data.byteLength - off);
      if (n <= 0) throw Object.assign(new Error(`short write (${off} of ${data.byteLength} bytes)`), { code: 'EIO' });
      off += n;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOSPC' ? 'no space left on device' : err.message;
    throw Object.assign(new Error(`cannot write ${file}: ${why}; the previous version, if any, is intact`), { code: err.code });
  }
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}

/** A file written in pieces that appears under its name only when committed (same guarantees). */
export class AtomicFileWriter {
  private readonly tmp: string;
  private readonly fd: number;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.tmp = tempPathFor(file);
    this.fd = fs.openSync(this.tmp, 'w');
  }

  write(bytes: Uint8Array | string): void {
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    try {
      let off = 0;
      while (off < data.byteLength) off += fs.writeSync(this.fd, data, off, data.byteLength - off);
    } catch (e) {
      this.abort();
      const err = e as NodeJS.ErrnoException;
      throw Object.assign(new Error(`cannot write ${this.file}: ${err.code === 'ENOSPC' ? 'no space left on device' : err.message}`), { code: err.code });
    }
  }

  commit(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    fs.renameSync(this.tmp, this.file);
  }

  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.tmp, { force: true });
  }
}
