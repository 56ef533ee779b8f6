/**
 * The Hugging Face hub cache on disk, as huggingface_hub lays it out (docs/hub/local-cache.md),
 * so files Python tools fetched are reused and files semclust fetches are theirs too:
 *
 *   <HF_HUB_CACHE>/models--owner--name/blobs/<etag>                 file contents, once
 *                                     (datasets--owner--name/… for a dataset, laid out alike)
 *                                     refs/<branch or tag>          the commit it points to
 *                                     snapshots/<commit>/<path>     → ../../blobs/<etag> (relative symlink)
 *                                     .no_exist/<commit>/<path>     empty: the hub has no such file
 */
import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** A full commit id; any other revision (branch, tag, refs/pr/N) is looked up in refs/. */
export const COMMIT_ID = /^[0-9a-f]{40}$/;

/** $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE; // the older name, still honoured by huggingface_hub
  const home = env.HF_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'huggingface');
  return path.join(home, 'hub');
}

/** HF_HUB_OFFLINE as huggingface_hub reads it: 1, ON, YES or TRUE in any case. */
export function hubOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'ON', 'YES', 'TRUE'].includes((env.HF_HUB_OFFLINE ?? '').toUpperCase());
}

export type CachedState = 'present' | 'absent' | 'unknown';

/** The kinds of hub repository semclust reads: a model's files or a dataset's Parquet. */
export type RepoType = 'model' | 'dataset';

export class RepoCache {
  readonly root: string;

  constructor(
    readonly cacheDir: string,
    readonly id: string,
    readonly type: RepoType = 'model',
  ) {
    this.root = path.join(cacheDir, `${type}s--${id.split('/').join('--')}`);
  }

  refFile(revision: string): string {
    return path.join(this.root, 'refs', ...revision.split('/'));
  }

  snapshotDir(commit: string): string {
    return path.join(this.root, 'snapshots', commit);
  }

  snapshotFile(commit: string, file: string): string {
    return path.join(this.snapshotDir(commit), ...file.split('/'));
  }

  blobFile(etag: string): string {
    return path.join(this.root, 'blobs', etag);
  }

  /** The commit a revision names in the cache, or null when the cache has never resolved it. */
  async commitOf(revision: string): Promise<string | null> {
    if (COMMIT_ID.test(revision)) return revision;
    const text = await readFile(this.refFile(revision), 'utf8').catch(() => null);
    const commit = text?.trim() ?? '';
    return COMMIT_ID.test(commit) ? commit : null;
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    if (COMMIT_ID.test(revision)) return;
    await writeAtomic(this.refFile(revision), commit);
  }

  /** present: in the snapshot; absent: recorded as missing on the hub; unknown: never asked. */
  async state(commit: string, file: string): Promise<CachedState> {
    // stat follows the symlink, so a link to a deleted blob counts as not cached.
    if ((await stat(this.snapshotFile(commit, file)).catch(() => null))?.isFile()) return 'present';
    if (await stat(path.join(this.root, '.no_exist', commit, ...file.split('/'))).catch(() => null)) return 'absent';
    return 'unknown';
  }

  async markAbsent(commit: string, file: string): Promise<void> {
    await writeAtomic(path.join(this.root, '.no_exist', commit, ...file.split('/')), '');
  }

  async hasBlob(etag: string): Promise<boolean> {
    return (await stat(this.blobFile(etag)).catch(() => null))?.isFile() ?? false;
  }

  /** A unique temporary name beside the blob, so concurrent downloads never share a partial file. */
  async tempBlob(etag: string): Promise<string> {
    await mkdir(path.join(this.root, 'blobs'), { recursive: true });
    return `${this.blobFile(etag)}.${process.pid}-${randomBytes(4).toString('hex')}.incomplete`;
  }

  /** Points snapshots/<commit>/<file> at the blob with a relative symlink, replaced atomically. */
  async link(commit: string, file: string, etag: string): Promise<string> {
    const dest = this.snapshotFile(commit, file);
    await mkdir(path.dirname(dest), { recursive: true });
    const temp = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.link`;
    await symlink(path.relative(path.dirname(dest), this.blobFile(etag)), temp);
    try {
      await rename(temp, dest);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return dest;
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
