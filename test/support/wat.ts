/** A kernel's WAT listing assembled with wabt (the reference assembler), for byte-for-byte comparison with its builder. */
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './paths.js';

/** Assembles `rel` (a .wat file under the repository root) into the bytes of a module without a name section. */
export async function assembleWat(rel: string): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat(rel, fs.readFileSync(path.join(REPO, rel), 'utf8'), { simd: true });
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** `WebAssembly.validate`, typed locally: the project's TypeScript libs do not declare the global. */
export function validWasm(bytes: Uint8Array): boolean {
  return (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);
}
