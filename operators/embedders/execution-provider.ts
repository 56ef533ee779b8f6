/**
 * The onnxruntime execution providers for a `device` setting. onnxruntime-node ships the CPU
 * provider; the CUDA 12 provider's libraries come from NuGet in its install script, which this
 * project does not run (package.json allowScripts denies it, so npm 11 neither runs nor warns
 * about it), so `cuda` checks for them first and says exactly how to get them instead of
 * failing inside onnxruntime.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';

export type Device = 'cpu' | 'cuda';

const CUDA_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

export const CUDA_INSTALL_STEP =
  'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js   # fetches the CUDA 12 provider (about 400 MB) from NuGet; ' +
  'npm rebuild does not run it (package.json allowScripts denies the script). The machine needs an NVIDIA driver, CUDA 12 and cuDNN 9.';

/** Folder holding onnxruntime-node's native binding for this platform. */
export function onnxruntimeBinFolder(): string {
  const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

/** Session options for a device; throws with the install step when the CUDA provider is missing. */
export function executionProviders(device: Device = 'cpu', binFolder = onnxruntimeBinFolder()): Pick<InferenceSession.SessionOptions, 'executionProviders'> {
  if (device === 'cpu') return { executionProviders: ['cpu'] };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`--device cuda: onnxruntime-node has a CUDA provider only for linux/x64, not ${process.platform}/${process.arch}; use --device cpu, or an --embedding-endpoint served from a GPU machine (vLLM, TEI)`);
  }
  const missing = CUDA_LIBRARIES.filter((lib) => !existsSync(path.join(binFolder, lib)));
  if (missing.length > 0) {
    throw new Error(
      `--device cuda: onnxruntime-node's CUDA provider is not installed (${missing.join(', ')} missing in ${binFolder}). Install it with:\n` +
        `  ${CUDA_INSTALL_STEP}\n` +
        `or run on the CPU (--device cpu), or serve the model from a GPU machine (vLLM, TEI) and pass --embedding-endpoint`,
    );
  }
  return { executionProviders: ['cuda', 'cpu'] };
}

/** Wraps a failure to start a CUDA session (driver, CUDA or cuDNN libraries missing) with what to check. */
export function cudaStartError(err: unknown): Error {
  const message = (err as Error).message.replace(/\x1b\[[0-9;]*m/g, '');
  return new Error(
    `--device cuda: onnxruntime could not start its CUDA provider (${message.split('\n')[0]}). ` +
      'It needs an NVIDIA driver, CUDA 12 (libcudart.so.12, libcublas) and cuDNN 9 (libcudnn.so.9) on the library path; ' +
      'check `nvidia-smi` and LD_LIBRARY_PATH, or use --device cpu',
  );
}
