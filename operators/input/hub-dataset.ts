/**
 * A Hugging Face dataset named as an input, hf://datasets/OWNER/NAME[@REVISION]/[CONFIG/]SPLIT,
 * turned into local Parquet files. The hub converts every public dataset to Parquet on the
 * branch refs/convert/parquet, one folder per config and split (CONFIG/SPLIT/0000.parquet, …;
 * CONFIG is "default" when the dataset has one), which is the default REVISION; a branch, tag or
 * commit of it pins the data. The revision's commit comes from the hub's API
 * (/api/datasets/{id}/revision/{revision}, its `sha`), the split's files from the tree listing
 * at that commit (/api/datasets/{id}/tree/{commit}/{CONFIG%2FSPLIT}, paged by its Link header),
 * and the files from the resolve URLs into the standard hub cache (operators/hub/hub-repo.ts):
 * datasets--OWNER--NAME/snapshots/<commit>/CONFIG/SPLIT/…, refs/<revision>, blobs by etag. A
 * file already in the snapshot is not downloaded again. HF_HUB_OFFLINE=1 (or the hub out of
 * reach) lists the split from the cached snapshot the revision last resolved to.
 *
 * The files are then ordinary Parquet inputs (read-table.ts); the run's manifest records each
 * by its snapshot path, which names the commit.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/util/semclust-error.js';
import { HubRepo } from '../hub/hub-repo.js';

export const HUB_DATASET_PREFIX = 'hf://datasets/';
/** Where the hub keeps every dataset's Parquet conversion. */
export const PARQUET_REVISION = 'refs/convert/parquet';
const DEFAULT_CONFIG = 'default';
const SPEC = /^hf:\/\/datasets\/([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)(?:@(refs\/convert\/parquet|refs\/pr\/\d+|[^/]+))?\/(?:([^/]+)\/)?([^/]+)$/;
const FORM = 'hf://datasets/OWNER/NAME[@REVISION]/[CONFIG/]SPLIT, e.g. hf://datasets/PolyAI/banking77/train';

export interface HubDatasetSpec {
  id: string;
  revision: string;
  config: string;
  split: string;
}

export interface HubDatasetOptions {
  /** Hub cache folder; default HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Only the cache; default from HF_HUB_OFFLINE. */
  offline?: boolean;
}

export interface HubDataset extends HubDatasetSpec {
  commit: string;
  /** The split's Parquet files in the cache's snapshot of the commit, in name order. */
  files: string[];
}

export function isHubDataset(input: string): boolean {
  return input.startsWith(HUB_DATASET_PREFIX);
}

export function parseHubDataset(input: string): HubDatasetSpec {
  const m = SPEC.exec(input);
  if (!m) throw new UsageError(`input ${input} is not a Hugging Face dataset split: write ${FORM} (a revision with "/" may be given %2F-encoded)`);
  const [, owner, name, revision, config, split] = m;
  // Config and split become folders of the cache's snapshot: "." or ".." would leave it.
  if ([config, split].some((part) => part === '.' || part === '..')) throw new UsageError(`input ${input}: a config or split cannot be "." or ".."; write ${FORM}`);
  return { id: `${owner}/${name}`, revision: revision ? decodeURIComponent(revision) : PARQUET_REVISION, config: config ?? DEFAULT_CONFIG, split };
}

/**
 * A file the hub listed under `folder`, as its path in the repo: the path becomes a file of
 * the cache's snapshot, so one outside `folder` or with "." / ".." segments (a broken or
 * hostile HF_ENDPOINT) is refused before anything is written.
 */
export function listedFile(input: string, folder: string, file: string): string {
  const parts = file.split('/');
  if (!file.startsWith(`${folder}/`) || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`${input}: the hub listed ${JSON.stringify(file)} under ${folder}/, which is not a file of that folder; check HF_ENDPOINT`);
  }
  return file;
}

export async function fetchHubDataset(input: string, options: HubDatasetOptions = {}): Promise<HubDataset> {
  const spec = parseHubDataset(input);
  const folder = `${spec.config}/${spec.split}`;
  const repo = new HubRepo(spec.id, { type: 'dataset', revision: spec.revision, cacheDir: options.cacheDir, offline: options.offline });
  const info = repo.offlineReason ? null : await repo.api(`revision/${encodeURIComponent(spec.revision)}`);
  if (!info) return fromCache(input, spec, repo);
  await repo.pin(String((info.body as { sha?: unknown } | null)?.sha));
  const commit = repo.commit!;
  const files: string[] = [];
  // huggingface_hub's list_repo_tree quotes the path whole (quote(path, safe="")): "/" as %2F.
  for (let page: string | null = `tree/${commit}/${encodeURIComponent(folder)}`; page; ) {
    const answer = await repo.api(page);
    if (!answer) throw new Error(`${repo.offlineReason} while listing ${input}; run again`);
    if (answer.body === null) throw await noSplit(input, spec, repo, commit);
    const entries = answer.body as { type?: string; path?: string }[];
    for (const e of entries) if (e.type === 'file' && e.path?.endsWith('.parquet')) files.push(listedFile(input, folder, e.path));
    page = answer.next;
  }
  if (files.length === 0) throw new Error(`${input}: ${spec.id}@${commit} holds no .parquet file under ${folder}/`);
  const local: string[] = [];
  for (const file of files.sort()) local.push((await repo.fetch(file, true))!);
  return { ...spec, commit, files: local };
}

/** The split as the cache holds it at the commit the revision last resolved to. */
async function fromCache(input: string, spec: HubDatasetSpec, repo: HubRepo): Promise<HubDataset> {
  const commit = await repo.cache.commitOf(spec.revision);
  const reason = repo.offlineReason;
  if (!commit) throw new Error(`${reason} and ${input} was never downloaded into ${repo.cache.cacheDir} (no ${repo.cache.refFile(spec.revision)}): run once with the network`);
  const dir = path.join(repo.cache.snapshotDir(commit), spec.config, spec.split);
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: string[] = [];
  // stat follows the snapshot's symlink: a link to a deleted blob is not a file to read.
  for (const name of names.filter((n) => n.endsWith('.parquet')).sort()) if ((await stat(path.join(dir, name)).catch(() => null))?.isFile()) files.push(path.join(dir, name));
  if (files.length === 0) throw new Error(`${reason} and the cache holds no Parquet file of ${input} at ${spec.id}@${commit} (${dir}): run once with the network`);
  return { ...spec, commit, files };
}

/** The split is not there: name the configs or splits that are. */
async function noSplit(input: string, spec: HubDatasetSpec, repo: HubRepo, commit: string): Promise<Error> {
  const folders = async (route: string) => {
    const answer = await repo.api(route);
    const entries = (answer?.body ?? []) as { type?: string; path?: string }[];
    return entries.filter((e) => e.type === 'directory' && e.path).map((e) => path.posix.basename(e.path!));
  };
  const splits = await folders(`tree/${commit}/${encodeURIComponent(spec.config)}`);
  if (splits.length > 0) return new UsageError(`${input}: ${spec.id} has no split ${spec.split} in config ${spec.config}; its splits: ${splits.join(', ')}`);
  const configs = await folders(`tree/${commit}`);
  return new UsageError(
    `${input}: ${spec.id}@${spec.revision} has no config ${spec.config}` +
      (configs.length > 0 ? `; its configs: ${configs.join(', ')} (write hf://datasets/${spec.id}/CONFIG/${spec.split})` : ' (its Parquet conversion is empty: is it a dataset with data files the hub can convert?)'),
  );
}
