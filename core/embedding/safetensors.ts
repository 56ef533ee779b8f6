/**
 * Reader for the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON ({ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__ }),
 * then the raw little-endian tensor bytes, offsets counted from the end of the header.
 * Pure: bytes in, typed arrays out.
 */
import { bfloat16ToFloat32, halfToFloat32 } from './float16.js';

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range inside the file. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  bytes: Uint8Array;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};
// A header larger than this is not a safetensors file (the format's own limit is 100 MB).
const MAX_HEADER_BYTES = 100_000_000;

/** Parses and validates the header of a safetensors file held in memory. `what` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, what = 'safetensors file'): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`${what} is ${bytes.length} bytes: too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    throw new Error(`${what}: header length ${headerLength} does not fit the ${bytes.length}-byte file; is it a safetensors file?`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw new Error(`${what}: the header is not JSON (${(err as Error).message}); is it a safetensors file?`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const size = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined;
    if (size === undefined) throw new Error(`${what}: tensor ${name} has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${what}: tensor ${name} has an invalid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2) throw new Error(`${what}: tensor ${name} has invalid data_offsets`);
    const begin = dataStart + offsets[0];
    const end = dataStart + offsets[1];
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (!(offsets[0] >= 0 && end >= begin && end <= bytes.length)) {
      throw new Error(`${what}: tensor ${name} lies outside the file (bytes ${offsets[0]}–${offsets[1]} after the header); the file may be truncated`);
    }
    if (end - begin !== count * size) {
      throw new Error(`${what}: tensor ${name} holds ${end - begin} bytes, but ${dtype} [${shape.join(', ')}] needs ${count * size}`);
    }
    tensors.set(name, { dtype: dtype as string, shape, begin, end });
  }
  return { bytes, tensors, metadata };
}

/** A floating-point tensor as float32 (F32 copied, F16 / BF16 / F64 converted). */
export function readFloat32(file: SafetensorsFile, name: string): Float32Array {
  const t = tensorInfo(file, name);
  const raw = aligned(file.bytes, t.begin, t.end);
  switch (t.dtype) {
    case 'F32':
      return new Float32Array(raw);
    case 'F16':
      return halfToFloat32(new Uint16Array(raw));
    case 'BF16':
      return bfloat16ToFloat32(new Uint16Array(raw));
    case 'F64':
      return Float32Array.from(new Float64Array(raw));
    default:
      throw new Error(`tensor ${name} is ${t.dtype}; a float table (F32, F16, BF16, F64) was expected`);
  }
}

/** An integer tensor (I32 / I64 / U32 / I16 / U16 / I8 / U8) as plain numbers, e.g. a token mapping. */
export function readIntegers(file: SafetensorsFile, name: string): Int32Array {
  const t = tensorInfo(file, name);
  const raw = aligned(file.bytes, t.begin, t.end);
  const source: ArrayLike<number | bigint> | null =
    t.dtype === 'I64' ? new BigInt64Array(raw)
    : t.dtype === 'I32' ? new Int32Array(raw)
    : t.dtype === 'U32' ? new Uint32Array(raw)
    : t.dtype === 'I16' ? new Int16Array(raw)
    : t.dtype === 'U16' ? new Uint16Array(raw)
    : t.dtype === 'I8' ? new Int8Array(raw)
    : t.dtype === 'U8' ? new Uint8Array(raw)
    : null;
  if (!source) throw new Error(`tensor ${name} is ${t.dtype}; an integer tensor was expected`);
  const out = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = Number(source[i]);
    if (!Number.isSafeInteger(v) || v > 0x7fffffff || v < -0x80000000) throw new Error(`tensor ${name}[${i}] = ${v} does not fit 32 bits`);
    out[i] = v;
  }
  return out;
}

export function tensorInfo(file: SafetensorsFile, name: string): TensorInfo {
  const t = file.tensors.get(name);
  if (!t) throw new Error(`no tensor named ${name}; the file holds ${[...file.tensors.keys()].join(', ') || 'no tensors'}`);
  return t;
}

/** A copy of the byte range in its own buffer, so typed-array views are aligned. */
function aligned(bytes: Uint8Array, begin: number, end: number): ArrayBuffer {
  return bytes.slice(begin, end).buffer as ArrayBuffer;
}
