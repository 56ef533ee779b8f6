/**
 * One Hugging Face hub repository (a model or a dataset) read file by file through the hub's
 * resolve URLs, /{id}/resolve/{revision}/{path} for a model and /datasets/{id}/resolve/… for a
 * dataset, the way huggingface_hub does, into the standard hub cache (hf-cache.ts): the commit
 * comes from X-Repo-Commit, a file's blob name from X-Linked-Etag (LFS files, answered with a
 * redirect to a CDN) or ETag, its size from X-Linked-Size or Content-Length. A file the
 * snapshot of the commit already holds is not requested again.
 *
 * HF_HUB_OFFLINE=1 reads only the cache; HF_TOKEN is sent to the hub (never to the CDN);
 * HF_ENDPOINT points at a mirror.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { COMMIT_ID, RepoCache, hubCacheDir, hubOffline, type RepoType } from './hf-cache.js';
import { SemclustError } from '../../core/util/semclust-error.js';

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

export interface HubRepoOptions {
  /** Branch, tag or commit; default main. */
  revision?: string;
  /** Hub cache folder; default hubCacheDir() (HF_HUB_CACHE, HF_HOME, ~/.cache/huggingface/hub). */
  cacheDir?: string;
  /** Only the cache, no network; default from HF_HUB_OFFLINE. */
  offline?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  /** Default model. */
  type?: RepoType;
  /** A line added to the errors that leave the user without the files. */
  advice?: string;
}

const MAX_REDIRECTS = 5;

interface FileMeta {
  commit: string | null;
  etag: string | null;
  size: number | null;
}

export class HubRepo {
  private readonly endpoint = (process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  private readonly token = process.env.HF_TOKEN;
  readonly cache: RepoCache;
  readonly revision: string;
  private readonly type: RepoType;
  /** Appended to the errors that leave the user without the files (a model's alternatives). */
  private readonly advice: string;
  /** Why only the cache is read (HF_HUB_OFFLINE, or the hub out of reach); null when online. */
  offlineReason: string | null;
  /** Set by the first answer (or the cache's ref); every later file is read at this commit. */
  commit: string | undefined;

  constructor(
    readonly id: string,
    private readonly options: HubRepoOptions,
  ) {
    this.type = options.type ?? 'model';
    this.advice = options.advice ? `\n${options.advice}` : '';
    this.cache = new RepoCache(options.cacheDir ?? hubCacheDir(), id, this.type);
    this.revision = options.revision ?? 'main';
    this.offlineReason = (options.offline ?? hubOffline()) ? 'HF_HUB_OFFLINE is set' : null;
    if (COMMIT_ID.test(this.revision)) this.commit = this.revision;
  }

  snapshotDir(): string {
    if (!this.commit) throw new Error(`the hub never told which commit ${this.id}@${this.revision} is (no X-Repo-Commit header)`);
    return this.cache.snapshotDir(this.commit);
  }

  url(file: string): string {
    const rev = encodeURIComponent(this.commit ?? this.revision);
    // Datasets live under /datasets/ (huggingface_hub's hf_hub_url); models at the root.
    const prefix = this.type === 'dataset' ? 'datasets/' : '';
    return `${this.endpoint}/${prefix}${this.id}/resolve/${rev}/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  missing(file: string): Error {
    // Offline nothing was requested: name the cache path, not a URL (issue 18 item 6).
    if (this.offlineReason) return this.notCached(file);
    return new Error(`${this.url(file)} was not found: is ${this.id} a Hugging Face ${this.type} with ${file}? Check the id and the revision, or pass a local folder`);
  }

  /**
   * A JSON answer of the hub's API at /api/{type}s/{id}/{route} (huggingface_hub's
   * dataset_info is revision/{revision}, list_repo_tree is tree/{revision}/{path}), or a `next`
   * URL an earlier answer gave (the tree is paged by its Link header, rel="next"). `body` is null
   * when the hub has no such path (404, EntryNotFound); the whole answer is null when the hub is
   * out of reach, and offlineReason says so, as fetch() falls back on the cache.
   */
  async api(routeOrNext: string): Promise<{ body: unknown; next: string | null } | null> {
    const url = /^https?:/.test(routeOrNext) ? routeOrNext : `${this.endpoint}/api/${this.type}s/${this.id}/${routeOrNext}`;
    if (new URL(url).origin !== new URL(this.endpoint).origin) throw new Error(`the hub's next page ${url} is not on ${this.endpoint}`);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'semclust' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      this.offlineReason = `${this.endpoint} is unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`;
      return null;
    }
    const code = res.headers.get('x-error-code');
    // A 404 that names neither the repository nor the revision is the path.
    if (res.status === 404 && code !== 'RepositoryNotFound' && code !== 'RevisionNotFound') {
      await res.body?.cancel();
      return { body: null, next: null };
    }
    if (!res.ok) {
      const text = (await res.text()).slice(0, 200);
      if (code === 'RevisionNotFound') throw new Error(`${this.id} has no revision ${this.revision}: give a branch, tag or full commit id that exists`);
      if (code === 'RepositoryNotFound' || res.status === 401 || res.status === 403) {
        throw new Error(
          code === 'GatedRepo'
            ? `${this.id} is gated (HTTP ${res.status} for ${url}): accept its conditions on its hub page, then set HF_TOKEN to a token of that account`
            : `hub ${this.type} ${this.id} does not exist or refused access (HTTP ${res.status} for ${url}): check the id, or set HF_TOKEN to a token that can read it`,
        );
      }
      throw new Error(`${url} answered HTTP ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`);
    }
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    return { body: await res.json(), next: next && new URL(next, url).toString() };
  }

  /** Reads every later file at `commit`, and records it as what the revision names in the cache. */
  async pin(commit: string): Promise<void> {
    if (!COMMIT_ID.test(commit)) throw new Error(`the hub named ${JSON.stringify(commit)} as the commit of ${this.id}@${this.revision}: not a commit id`);
    this.commit = commit;
    await this.cache.writeRef(this.revision, commit);
  }

  /** The cached path of `file` at the resolved commit, fetching it if needed; null when the repo has no such file. */
  async fetch(file: string, required: boolean): Promise<string | null> {
    if (this.offlineReason) return this.fromCache(file, required);
    if (this.commit) {
      const state = await this.cache.state(this.commit, file);
      if (state === 'present') return this.cache.snapshotFile(this.commit, file);
      if (state === 'absent') {
        if (required) throw this.missing(file);
        return null;
      }
    }
    let res: Response;
    let meta: FileMeta;
    try {
      ({ res, meta } = await this.request(file));
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      // As huggingface_hub does: with the hub out of reach, what the cache holds still serves.
      const cached = await this.cache.commitOf(this.revision);
      if (!cached) {
        throw new Error(`could not reach ${this.endpoint} to download ${this.id}/${file} (${err.message}), and ${this.id}@${this.revision} is not in the cache ${this.cache.cacheDir}: check the network, set HF_ENDPOINT to a reachable mirror, or pass a local folder.${this.advice}`);
      }
      this.offlineReason = `${this.endpoint} is unreachable (${err.message})`;
      this.commit = cached;
      return this.fromCache(file, required);
    }
    if (meta.commit && !this.commit) {
      this.commit = meta.commit;
      await this.cache.writeRef(this.revision, meta.commit);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      const code = res.headers.get('x-error-code');
      if (code === 'RepositoryNotFound') throw new Error(`hub ${this.type} ${this.id} does not exist (${this.url(file)}): check the id, or set HF_TOKEN if it is private`);
      if (code === 'RevisionNotFound') throw new Error(`${this.id} has no revision ${this.revision}: give a branch, tag or full commit id that exists`);
      // Only the hub's own "no such file" is remembered: a commit never changes, a bare 404 (a proxy) might.
      if (this.commit && code === 'EntryNotFound') await this.cache.markAbsent(this.commit, file);
      if (required) throw this.missing(file);
      return null;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      const gated = res.headers.get('x-error-code') === 'GatedRepo';
      throw new Error(
        gated
          ? `${this.id} is gated (HTTP ${res.status} for ${this.url(file)}): accept its conditions on its hub page, then set HF_TOKEN to a token of that account`
          : `${this.url(file)} refused access (HTTP ${res.status}): ${this.id} may be private, gated or misspelt; set HF_TOKEN to a token that can read it`,
      );
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`${this.url(file)} answered HTTP ${res.status} ${res.statusText}`);
    }
    if (!this.commit) {
      await res.body.cancel();
      throw new Error(`${this.url(file)} sent no X-Repo-Commit header: is HF_ENDPOINT (${this.endpoint}) a Hugging Face hub or mirror?`);
    }
    if (!meta.etag) {
      await res.body.cancel();
      throw new Error(`${this.url(file)} sent no ETag: cannot name the file in the hub cache`);
    }
    if (!(await this.cache.hasBlob(meta.etag))) await this.download(file, res, meta.etag, meta.size);
    else await res.body.cancel();
    return this.cache.link(this.commit, file, meta.etag);
  }

  private async fromCache(file: string, required: boolean): Promise<string | null> {
    this.commit ??= (await this.cache.commitOf(this.revision)) ?? undefined;
    if (!this.commit) {
      throw new Error(
        `${this.offlineReason} and ${this.id}@${this.revision} was never downloaded into ${this.cache.cacheDir} (no ${this.cache.refFile(this.revision)}): ` +
          `run once with the network, or give --revision as a commit that is cached.${this.advice}`,
      );
    }
    const state = await this.cache.state(this.commit, file);
    if (state === 'present') return this.cache.snapshotFile(this.commit, file);
    if (state === 'absent' || !required) return null;
    throw this.notCached(file);
  }

  notCached(file: string): Error {
    return new Error(
      `${this.offlineReason} and ${file} of ${this.id}@${this.commit} is not in the cache (${this.cache.snapshotFile(this.commit ?? this.revision, file)}): ` +
        `run once with the network to fetch it.${this.advice}`,
    );
  }

  /**
   * GET with redirects followed by hand: the metadata is read from the hub's own answer (the
   * first one that names the commit), and the token goes only to the hub's origin.
   */
  private async request(file: string): Promise<{ res: Response; meta: FileMeta }> {
    let url = this.url(file);
    const origin = new URL(url).origin;
    const meta: FileMeta = { commit: null, etag: null, size: null };
    for (let hop = 0; ; hop++) {
      // identity keeps Content-Length comparable with the bytes received.
      const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'semclust' };
      if (this.token && new URL(url).origin === origin) headers.authorization = `Bearer ${this.token}`;
      let res: Response;
      try {
        res = await fetch(url, { headers, redirect: 'manual' });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new NetworkError(cause?.code ?? cause?.message ?? (err as Error).message);
      }
      if (meta.commit === null && res.headers.has('x-repo-commit')) {
        meta.commit = res.headers.get('x-repo-commit');
        meta.etag = normalizeEtag(res.headers.get('x-linked-etag') ?? res.headers.get('etag'));
        const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length') ?? NaN);
        meta.size = Number.isSafeInteger(size) && size >= 0 ? size : null;
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, meta };
      await res.body?.cancel();
      if (hop === MAX_REDIRECTS) throw new Error(`${this.url(file)} redirected more than ${MAX_REDIRECTS} times`);
      url = new URL(location, url).toString();
    }
  }

  /** Streams the body into blobs/<etag> through a temporary name, checking size and (LFS) sha256. */
  private async download(file: string, res: Response, etag: string, size: number | null): Promise<void> {
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const length = res.headers.has('content-length') && !encoded ? Number(res.headers.get('content-length')) : NaN;
    const total = size ?? (Number.isSafeInteger(length) ? length : null);
    const temp = await this.cache.tempBlob(etag);
    // An LFS etag is the sha256 of the content: a corrupted transfer can never become a blob.
    const hash = /^[0-9a-f]{64}$/.test(etag) ? createHash('sha256') : null;
    let received = 0;
    const onProgress = this.options.onProgress;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        hash?.update(chunk);
        onProgress?.({ phase: `download ${file}`, file, done: received, total: total ?? 0 });
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), counter, createWriteStream(temp));
      if (total !== null && received !== total) throw new Error(`${total - received} bytes missing`);
      if (hash) {
        const digest = hash.digest('hex');
        if (digest !== etag) throw new Error(`sha256 ${digest} does not match the hub's ${etag}`);
      }
    } catch (err) {
      await rm(temp, { force: true });
      throw new Error(`download of ${this.url(file)} was interrupted after ${received} bytes (${(err as Error).message}); run again to retry`);
    }
    await rename(temp, this.cache.blobFile(etag));
  }
}

class NetworkError extends SemclustError {}

/** huggingface_hub's etag normalisation: drop a weak-validator prefix and the quotes. */
function normalizeEtag(value: string | null): string | null {
  if (!value) return null;
  const etag = value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  // The etag becomes a file name: refuse anything that could leave blobs/.
  return /^[\w.-]+$/.test(etag) ? etag : null;
}
