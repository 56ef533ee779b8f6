/**
 * Row ids are the xxh3-128 digest of the extracted text as 32 lowercase hex digits
 * (the same as Python's `xxhash.xxh3_128_hexdigest(text)`), so ids are stable across
 * runs, machines and tools.
 */
import { createXXHash128, type IHasher } from 'hash-wasm';

export type RowIdHasher = (text: string) => string;

export async function createRowIdHasher(): Promise<RowIdHasher> {
  const h: IHasher = await createXXHash128();
  return (text) => h.init().update(text).digest('hex');
}
