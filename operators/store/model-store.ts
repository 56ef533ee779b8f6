/**
 * Fitted models on disk, portable and pickle-free: `<name>.json` holds the metadata and an
 * index of arrays; each array is a raw little-endian file (`<name>.<array>.f32|i32|f64`),
 * readable with numpy.fromfile(path, '<f4') or any language. The models' codecs are in core/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EncodedModel, ModelArray } from '../../core/model/encoded-model.js';
import { writeFileAtomic } from './write-file-atomic.js';

const EXT = { f32: Float32Array, i32: Int32Array, f64: Float64Array } as const;
type Ext = keyof typeof EXT;

function extOf(a: ModelArray): Ext {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  return 'f64';
}

export function saveModel(dir: string, name: string, model: EncodedModel): void {
  const index: Record<string, { file: string; dtype: string; length: number }> = {};
  for (const [key, arr] of Object.entries(model.arrays)) {
    const ext = extOf(arr);
    const file = `${name}.${key}.${ext}`;
    writeFileAtomic(path.join(dir, file), new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    index[key] = { file, dtype: { f32: '<f4', i32: '<i4', f64: '<f8' }[ext], length: arr.length };
  }
  // The JSON is written last: its presence means every array it names is complete.
  writeFileAtomic(path.join(dir, `${name}.json`), JSON.stringify({ ...model.meta, arrays: index }, null, 2) + '\n');
}

export function loadModel(dir: string, name: string): EncodedModel {
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`no fitted model at ${file}: run semclust fit first`);
  let parsed: { arrays: Record<string, { file: string; length: number }> };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not a model index (${(e as Error).message}); refit the model`);
  }
  const { arrays: index, ...meta } = parsed;
  const arrays: Record<string, ModelArray> = {};
  for (const [key, { file: f, length }] of Object.entries(index)) {
    const arrayFile = path.join(dir, f);
    if (!fs.existsSync(arrayFile)) throw new Error(`${arrayFile}: missing, though ${file} names it; refit the model`);
    const bytes = fs.readFileSync(arrayFile);
    const Ctor = EXT[f.slice(f.lastIndexOf('.') + 1) as Ext];
    // Checked before the typed array is made: a truncated file need not end on a value's boundary.
    if (bytes.byteLength !== length * Ctor.BYTES_PER_ELEMENT) {
      throw new Error(`${arrayFile}: expected ${length} values (${length * Ctor.BYTES_PER_ELEMENT} bytes), found ${bytes.byteLength} bytes; refit the model`);
    }
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    arrays[key] = new Ctor(copy.buffer);
  }
  return { meta, arrays };
}

export function modelExists(dir: string, name: string): boolean {
  return fs.existsSync(path.join(dir, `${name}.json`));
}

/**
 * Every model saved in `from` saved again in `to`, each checked as loadModel checks it, its
 * arrays before its index as saveModel writes them; `from` is only read. Returns their names.
 */
export function copyModels(from: string, to: string): string[] {
  const names = fs
    .readdirSync(from)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
  for (const name of names) saveModel(to, name, loadModel(from, name));
  return names;
}
