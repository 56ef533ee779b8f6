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
  const { arrays: index, ...meta } = JSON.parse(fs.readFileSync(file, 'utf8')) as { arrays: Record<string, { file: string; length: number }> };
  const arrays: Record<string, ModelArray> = {};
  for (const [key, { file: f, length }] of Object.entries(index)) {
    const bytes = fs.readFileSync(path.join(dir, f));
    const Ctor = EXT[f.slice(f.lastIndexOf('.') + 1) as Ext];
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const arr = new Ctor(copy.buffer);
    if (arr.length !== length) throw new Error(`${path.join(dir, f)}: expected ${length} values, found ${arr.length}; refit the model`);
    arrays[key] = arr;
  }
  return { meta, arrays };
}

export function modelExists(dir: string, name: string): boolean {
  return fs.existsSync(path.join(dir, `${name}.json`));
}
