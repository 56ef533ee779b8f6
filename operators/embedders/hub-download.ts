/**
 * Turns an embedding_model setting into a local model folder: a folder path is used as is;
 * a Hugging Face hub id (owner/name) is downloaded once into <cacheDir>/hub/owner--name/.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadProgress {
  /** `download <file>`, the shape every backend's progress events share. */
  phase: string;
  /** Path of the file inside the repository, e.g. onnx/model.onnx. */
  file: string;
  /** Bytes received so far. */
  done: number;
  /** Bytes announced by the server; 0 when it sent no length. */
  total: number;
}

export interface ResolveModelOptions {
  cacheDir: string;
  onProgress?: (progress: DownloadProgress) => void;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
const REQUIRED_FILES = ['config.json', 'tokenizer.json'];
const OPTIONAL_FILES = ['tokenizer_config.json', 'special_tokens_map.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'modules.json'];
// sentence-transformers repos keep the graph under onnx/, optimum exports at the root.
const MODEL_FILES = ['onnx/model.onnx', 'model.onnx'];
// Written last: a folder without it is the remains of an interrupted download.
export const COMPLETE_MARKER = '.semclust-complete';

export async function resolveModel(idOrPath: string, options: ResolveModelOptions): Promise<string> {
  if ((await stat(idOrPath).catch(() => null))?.isDirectory()) return idOrPath;
  if (!HUB_ID.test(idOrPath)) {
    throw new Error(`embedding model ${idOrPath} is neither an existing folder nor a Hugging Face hub id (owner/name)`);
  }
  const target = path.join(options.cacheDir, 'hub', idOrPath.replace('/', '--'));
  if (await exists(path.join(target, COMPLETE_MARKER))) return target;

  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const hub = new HubClient(idOrPath, options.onProgress);
  const files: string[] = [];
  for (const file of REQUIRED_FILES) {
    if (!(await hub.download(file, target))) throw hub.missing(file);
    files.push(file);
  }
  for (const file of OPTIONAL_FILES) {
    if (await hub.download(file, target)) files.push(file);
  }
  let modelFile: string | undefined;
  for (const file of MODEL_FILES) {
    if (await hub.download(file, target)) {
      modelFile = file;
      break;
    }
  }
  if (!modelFile) {
    throw new Error(
      `hub repo ${idOrPath} has no ONNX weights (looked for ${MODEL_FILES.join(' and ')}): export them with ` +
        `\`optimum-cli export onnx --model ${idOrPath} <folder>\` and pass that folder`,
    );
  }
  files.push(modelFile);
  // Graphs over 2 GB keep their weights in a side file that onnxruntime loads by name.
  if (await hub.download(`${modelFile}_data`, target)) files.push(`${modelFile}_data`);

  await writeFile(path.join(target, COMPLETE_MARKER), JSON.stringify({ id: idOrPath, files, completed: new Date().toISOString() }));
  return target;
}

class HubClient {
  private readonly endpoint = (process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  private readonly token = process.env.HF_TOKEN;

  constructor(
    private readonly id: string,
    private readonly onProgress?: (progress: DownloadProgress) => void,
  ) {}

  url(file: string): string {
    return `${this.endpoint}/${this.id}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  missing(file: string): Error {
    return new Error(`${this.url(file)} was not found: is ${this.id} a Hugging Face model with ${file}? Check the id, or pass a local folder`);
  }

  /** Streams one file into the folder through a temporary name; false when the hub has no such file. */
  async download(file: string, folder: string): Promise<boolean> {
    const url = this.url(file);
    // identity keeps Content-Length comparable with the bytes received.
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'follow' });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(
        `could not reach ${this.endpoint} to download ${this.id}/${file} (${cause?.code ?? cause?.message ?? (err as Error).message}): ` +
          `check the network, set HF_ENDPOINT to a reachable mirror, or pass a local folder`,
      );
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return false;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new Error(`${url} refused access (HTTP ${res.status}): ${this.id} may be private or gated; set HF_TOKEN to a token that can read it`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`${url} answered HTTP ${res.status} ${res.statusText}`);
    }

    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const length = Number(res.headers.get('content-length'));
    const total = !encoded && Number.isFinite(length) && length >= 0 && res.headers.has('content-length') ? length : null;
    const dest = path.join(folder, file);
    const temp = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
    await mkdir(path.dirname(dest), { recursive: true });

    let received = 0;
    const onProgress = this.onProgress;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        onProgress?.({ phase: `download ${file}`, file, done: received, total: total ?? 0 });
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), counter, createWriteStream(temp));
      if (total !== null && received !== total) throw new Error(`${total - received} bytes missing`);
    } catch (err) {
      await rm(temp, { force: true });
      throw new Error(`download of ${url} was interrupted after ${received} bytes (${(err as Error).message}); run again to retry`);
    }
    await rename(temp, dest);
    return true;
  }
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}
