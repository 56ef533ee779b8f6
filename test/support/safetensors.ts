/** Writes a safetensors file (8-byte header length, JSON header padded to 8 bytes, raw tensors) for tests. */
import { writeFile } from 'node:fs/promises';

export interface TensorSpec {
  dtype: 'F32' | 'F16' | 'I64' | 'I32';
  shape: number[];
  data: Float32Array | Uint16Array | BigInt64Array | Int32Array;
}

export function encodeSafetensors(tensors: Record<string, TensorSpec>, metadata: Record<string, string> = { format: 'pt' }): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // The reference writer pads the header with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json), ...chunks]);
}

export async function writeSafetensors(file: string, tensors: Record<string, TensorSpec>): Promise<void> {
  await writeFile(file, encodeSafetensors(tensors));
}
