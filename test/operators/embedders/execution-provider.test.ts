import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cudaStartError, executionProviders, onnxruntimeBinFolder } from '../../../operators/embedders/execution-provider.js';
import { openOnnxFolder } from '../../../operators/embedders/onnx-folder.js';
import { writeTinyTransformer } from '../../support/tiny-transformer.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'semclust-model-errors-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('--device cuda without the CUDA provider files fails with the exact install step; with them it asks for CUDA then CPU', async () => {
  const empty = await mkdtemp(path.join(root, 'bin-'));
  const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
  assert.throws(
    () => executionProviders('cuda', empty),
    onLinuxX64 ? /libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so missing.*\n  ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/ : /only for linux\/x64/,
  );
  assert.deepEqual(executionProviders('cpu', empty), { executionProviders: ['cpu'] });
  if (onLinuxX64) {
    for (const lib of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so']) await writeFile(path.join(empty, lib), '');
    assert.deepEqual(executionProviders('cuda', empty), { executionProviders: ['cuda', 'cpu'] });
  }

  // This checkout's own onnxruntime-node: the .npmrc skips the CUDA download, so the model refuses to open.
  const bert = await writeTinyTransformer(path.join(root, 'bert'), { seed: 2, tokenizer: 'wordpiece' });
  if (existsSync(path.join(onnxruntimeBinFolder(), 'libonnxruntime_providers_cuda.so'))) return;
  await assert.rejects(openOnnxFolder(bert.dir, { device: 'cuda' }), /--device cuda: onnxruntime-node's CUDA provider is not installed.*onnxruntime-node\/script\/install\.js.*--device cpu/s);
});

test('a CUDA session that fails to start is reported by its first line, without colour codes, with what to check', () => {
  const e = cudaStartError(new Error('\x1b[1;31m2026-01-01 [E:onnxruntime] libcudnn.so.9: cannot open shared object file\x1b[m\n    at InferenceSession.create'));
  assert.match(e.message, /^--device cuda: onnxruntime could not start its CUDA provider \(2026-01-01 \[E:onnxruntime\] libcudnn\.so\.9: cannot open shared object file\)\. /);
  assert.ok(!e.message.includes('\x1b') && !e.message.includes('InferenceSession.create'));
  assert.match(e.message, /nvidia-smi.*LD_LIBRARY_PATH.*--device cpu$/);
});
