/**
 * A stand-in for huggingface.co on 127.0.0.1, speaking the hub's resolve protocol:
 * GET /{owner}/{name}/resolve/{revision}/{path} answers
 *   - a git file: 200, ETag "<git blob sha1>", X-Repo-Commit, Content-Length;
 *   - an LFS file (.onnx, .onnx_data, .safetensors): 302 to a signed URL on a separate CDN
 *     server, with X-Linked-Etag "<sha256>", X-Linked-Size and X-Repo-Commit;
 *   - a missing file: 404 X-Error-Code EntryNotFound (with X-Repo-Commit), an unknown
 *     revision 404 RevisionNotFound, an unknown repo 401 RepositoryNotFound, a gated repo
 *     without its token 401 GatedRepo, a renamed repo 307 to a relative URL.
 * Revisions are branches, tags or full commit ids; each commit is a folder's files.
 *
 * Datasets (addRepo with type "dataset") answer the same under /datasets/{owner}/{name}/resolve/…,
 * and the API huggingface_hub's HfApi calls for them:
 *   - GET /api/datasets/{id}/revision/{revision}: 200 JSON {id, sha, siblings: [{rfilename}]};
 *   - GET /api/datasets/{id}/tree/{revision}/{path} (path "/" or %2F): 200 JSON entries, {type: "file", oid, size,
 *     path, lfs?} and {type: "directory", oid, size: 0, path}, `treePageSize` a page with a
 *     Link: <…?cursor=N>; rel="next" header to the next; a missing path 404 EntryNotFound.
 * Revisions may be %2F-encoded (refs%2Fconvert%2Fparquet), as huggingface_hub sends them.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const LFS = /\.(onnx|onnx_data|safetensors|parquet)$/;

interface Repo {
  refs: Map<string, string>;
  commits: Map<string, Map<string, Buffer>>;
  token?: string;
}

export type HubRepoType = 'model' | 'dataset';

export interface HubRequest {
  server: 'hub' | 'cdn';
  path: string;
  authorization: string | undefined;
}

export class LocalHub {
  readonly repos = new Map<string, Repo>();
  readonly renamed = new Map<string, string>();
  readonly requests: HubRequest[] = [];
  /** `${id}/${file}` → HTTP status to answer instead. */
  readonly failing = new Map<string, number>();
  /** `${id}/${file}`: the next transfer stops after half the bytes. */
  readonly interruptOnce = new Set<string>();
  /** `${id}/${file}`: the next transfer has one byte flipped (same length). */
  readonly corruptOnce = new Set<string>();
  /** Entries per page of a dataset's tree listing. */
  treePageSize = 1000;
  private readonly blobs = new Map<string, { bytes: Buffer; key: string }>();
  url = '';
  private cdnUrl = '';

  private constructor(
    private readonly hub: http.Server,
    private readonly cdn: http.Server,
  ) {}

  static async start(): Promise<LocalHub> {
    const hub = new LocalHub(http.createServer(), http.createServer());
    hub.hub.on('request', (req, res) => hub.onHub(req, res));
    hub.cdn.on('request', (req, res) => hub.onCdn(req, res));
    for (const server of [hub.hub, hub.cdn]) await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    hub.url = `http://127.0.0.1:${(hub.hub.address() as AddressInfo).port}`;
    hub.cdnUrl = `http://127.0.0.1:${(hub.cdn.address() as AddressInfo).port}`;
    return hub;
  }

  async close(): Promise<void> {
    for (const server of [this.hub, this.cdn]) {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  }

  /** Publishes each folder as a commit; refs name them (main, a tag, …). Returns ref → commit id. */
  async addRepo(id: string, refs: Record<string, string>, options: { token?: string; type?: HubRepoType } = {}): Promise<Record<string, string>> {
    const key = options.type === 'dataset' ? `datasets/${id}` : id;
    const repo: Repo = this.repos.get(key) ?? { refs: new Map(), commits: new Map(), token: options.token };
    const out: Record<string, string> = {};
    for (const [ref, dir] of Object.entries(refs)) {
      const files = new Map<string, Buffer>();
      for (const rel of await listFiles(dir)) files.set(rel, await readFile(path.join(dir, rel)));
      const commit = createHash('sha1')
        .update(id)
        .update([...files].map(([p, b]) => `${p}:${createHash('sha256').update(b).digest('hex')}`).sort().join('\n'))
        .digest('hex');
      repo.commits.set(commit, files);
      repo.refs.set(ref, commit);
      out[ref] = commit;
    }
    this.repos.set(key, repo);
    return out;
  }

  private onHub(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ server: 'hub', path: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', this.url);
    const api = /^\/api\/datasets\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    if (api) return this.onApi(req, res, url, `datasets/${api[1]}`, api[2], decodeURIComponent(api[3]), (api[4] ?? '').split('/').map(decodeURIComponent).join('/'));
    const m = /^\/((?:datasets\/)?[^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(400).end();
    const [, id, rawRevision, rawFile] = m;
    const revision = decodeURIComponent(rawRevision);
    const file = rawFile.split('/').map(decodeURIComponent).join('/');
    const newId = this.renamed.get(id);
    if (newId) return void res.writeHead(307, { location: `/${newId}/resolve/${rawRevision}/${rawFile}` }).end();
    const repo = this.repos.get(id);
    if (!repo) return void res.writeHead(401, { 'x-error-code': 'RepositoryNotFound' }).end('Repository not found');
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      return void res.writeHead(401, { 'x-error-code': 'GatedRepo' }).end('Access to this model is restricted');
    }
    const commit = repo.commits.has(revision) ? revision : repo.refs.get(revision);
    if (!commit) return void res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end('Invalid rev id');
    const status = this.failing.get(`${id}/${file}`);
    if (status !== undefined) return void res.writeHead(status).end();
    const body = repo.commits.get(commit)!.get(file);
    if (!body) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': commit }).end('Entry not found');
    if (LFS.test(file)) {
      const sha256 = createHash('sha256').update(body).digest('hex');
      this.blobs.set(sha256, { bytes: body, key: `${id}/${file}` });
      res.writeHead(302, {
        location: `${this.cdnUrl}/repos/${sha256}?X-Amz-Expires=3600&X-Amz-Signature=${sha256.slice(0, 16)}`,
        'x-repo-commit': commit,
        'x-linked-etag': `"${sha256}"`,
        'x-linked-size': String(body.length),
        etag: `"${sha256}"`,
      });
      return void res.end();
    }
    const gitSha = createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, etag: `"${gitSha}"`, 'x-repo-commit': commit });
    this.send(`${id}/${file}`, body, res);
  }

  private onApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, key: string, route: string, revision: string, folder: string): void {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      void res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
    const repo = this.repos.get(key);
    if (!repo) return json(401, { error: 'Repository not found' }, { 'x-error-code': 'RepositoryNotFound' });
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) return json(401, { error: 'Access to this dataset is restricted' }, { 'x-error-code': 'GatedRepo' });
    const commit = repo.commits.has(revision) ? revision : repo.refs.get(revision);
    if (!commit) return json(404, { error: `Invalid rev id: ${revision}` }, { 'x-error-code': 'RevisionNotFound' });
    const files = repo.commits.get(commit)!;
    const id = key.slice('datasets/'.length);
    if (route === 'revision') return json(200, { _id: commit.slice(0, 24), id, sha: commit, private: false, gated: false, disabled: false, siblings: [...files.keys()].map((rfilename) => ({ rfilename })) });
    // The direct children of `folder`: its files, and a directory entry per subfolder.
    const prefix = folder ? `${folder}/` : '';
    const entries = new Map<string, object>();
    for (const [file, body] of files) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        const dir = prefix + rest.slice(0, slash);
        entries.set(dir, { type: 'directory', oid: createHash('sha1').update(dir).digest('hex'), size: 0, path: dir });
        continue;
      }
      const oid = createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
      const lfs = LFS.test(file) ? { lfs: { oid: createHash('sha256').update(body).digest('hex'), size: body.length, pointerSize: 134 } } : {};
      entries.set(file, { type: 'file', oid, size: body.length, path: file, ...lfs });
    }
    if (entries.size === 0) return json(404, { error: `Entry not found: ${folder}` }, { 'x-error-code': 'EntryNotFound' });
    const all = [...entries.keys()].sort().map((k) => entries.get(k)!);
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const page = all.slice(from, from + this.treePageSize);
    const headers: Record<string, string> = {};
    if (from + this.treePageSize < all.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', String(from + this.treePageSize));
      headers.link = `<${next}>; rel="next"`;
    }
    return json(200, page, headers);
  }

  private onCdn(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ server: 'cdn', path: req.url ?? '', authorization: req.headers.authorization });
    const m = /^\/repos\/([0-9a-f]{64})$/.exec(new URL(req.url ?? '/', this.cdnUrl).pathname);
    const blob = m ? this.blobs.get(m[1]) : undefined;
    if (!blob) return void res.writeHead(403).end('AccessDenied');
    // A CDN's own validator, which must not be taken for the file's etag.
    res.writeHead(200, { 'content-type': 'binary/octet-stream', 'content-length': blob.bytes.length, etag: '"cdn-0123abcd"' });
    this.send(blob.key, blob.bytes, res);
  }

  private send(key: string, body: Buffer, res: http.ServerResponse): void {
    if (this.interruptOnce.delete(key)) {
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    if (this.corruptOnce.delete(key)) {
      const bad = Buffer.from(body);
      bad[bad.length >> 1] ^= 0xff;
      return void res.end(bad);
    }
    res.end(body);
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}
