/**
 * Throughput of the embedding server + HTTP backend on 127.0.0.1 with the built-in static
 * model, against calling the same model in-process (the peer), all measured in this run.
 * The server runs in a worker thread, as it would in its own process, so client and
 * server do not share one event loop.
 *   1. requests/s and texts/s for request batch sizes 64/512 × concurrency 1/4;
 *   2. many small requests with and without server-side coalescing;
 *   3. the client transport: node:http keep-alive (what openHttpEmbedder uses) against
 *      the global fetch, same server, same small requests.
 * Usage: node dist/bench/http-embed.js [rows]   (rows of banking77, default all)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Embedder } from '../operators/embedders/embedder.js';
import { openHttpEmbedder } from '../operators/embedders/openai-http.js';
import { banking77File } from '../scripts/banking77-data.js';
import { openStaticModel } from '../operators/embedders/static-model.js';
import { startEmbeddingServer } from '../operators/http/embedding-server.js';

const cacheDir = process.env.SEMCLUST_CACHE ?? path.join(os.tmpdir(), 'semclust-test-cache');

interface ServerData {
  coalesce: boolean;
  /** Int32Array[1] over shared memory: embedder calls made by the server. */
  calls: SharedArrayBuffer;
}

async function serve({ coalesce, calls }: ServerData): Promise<void> {
  const model = await openStaticModel({ cacheDir });
  const counter = new Int32Array(calls);
  const counted: Embedder = {
    model: model.model,
    dims: model.dims,
    embed: (t) => {
      Atomics.add(counter, 0, 1);
      return model.embed(t);
    },
    close: () => model.close(),
  };
  const server = await startEmbeddingServer(counted, { modelName: 'static', maxBatch: 512, coalesce });
  parentPort!.postMessage(server.url);
}

async function startServer(coalesce: boolean): Promise<{ url: string; calls: Int32Array; stop(): Promise<number> }> {
  const calls = new SharedArrayBuffer(4);
  const worker = new Worker(new URL(import.meta.url), { workerData: { coalesce, calls } satisfies ServerData });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { url, calls: new Int32Array(calls), stop: () => worker.terminate() };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

const fmt = (x: number): string => x.toFixed(0).padStart(8);

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? Infinity);
  const texts = readFileSync(banking77File(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, rows)
    .map((line) => (JSON.parse(line) as { text: string }).text);

  const model = await openStaticModel({ cacheDir });
  const dims = model.dims;
  const inProcess = () =>
    timed(async () => {
      for (let i = 0; i < texts.length; i += 512) await model.embed(texts.slice(i, i + 512));
    });
  await inProcess(); // warm-up
  const peer = texts.length / (await inProcess());
  await model.close();
  console.log(`static model: ${dims}-d; ${texts.length} banking77 texts; ${os.cpus().length} CPUs`);
  console.log(`in-process embed(), batches of 512: ${fmt(peer)} texts/s (peer)`);

  const server = await startServer(true);
  const warm = await openHttpEmbedder({ endpoint: server.url, model: 'static', dims, requestBatchSize: 64 });
  await warm.embed(texts.slice(0, 4096));
  await warm.close();
  console.log('\n1. server (worker thread) + openHttpEmbedder, all texts in one embed() call');
  console.log('   batch  conc    req/s  texts/s  vs in-process');
  for (const size of [64, 512]) {
    for (const concurrency of [1, 4]) {
      const client = await openHttpEmbedder({ endpoint: server.url, model: 'static', dims, requestBatchSize: size, maxConcurrency: concurrency });
      const seconds = await timed(() => client.embed(texts));
      await client.close();
      const rate = texts.length / seconds;
      const requests = Math.ceil(texts.length / size) / seconds;
      console.log(`   ${String(size).padStart(5)} ${String(concurrency).padStart(5)} ${fmt(requests)} ${fmt(rate)}  ${(rate / peer).toFixed(2)}×`);
    }
  }

  const small = 4;
  const count = Math.min(1500, Math.floor(texts.length / small));
  const smallTexts = texts.slice(0, count * small);
  console.log(`\n2. client transport: ${count} requests of ${small} texts (coalescing server)`);
  for (const concurrency of [1, 4]) {
    const client = await openHttpEmbedder({ endpoint: server.url, model: 'static', dims, requestBatchSize: small, maxConcurrency: concurrency });
    const httpRate = count / (await timed(() => client.embed(smallTexts)));
    await client.close();
    const fetchRate = count / (await fetchClient(server.url, smallTexts, small, concurrency));
    console.log(`   conc ${concurrency}: node:http keep-alive ${fmt(httpRate)} req/s, fetch ${fmt(fetchRate)} req/s, ratio ${(httpRate / fetchRate).toFixed(2)}×`);
  }
  await server.stop();

  console.log(`\n3. ${count} requests of ${small} texts, concurrency 16`);
  const rates: number[] = [];
  for (const coalesce of [true, false]) {
    const s = await startServer(coalesce);
    const client = await openHttpEmbedder({ endpoint: s.url, model: 'static', dims, requestBatchSize: small, maxConcurrency: 16 });
    await client.embed(smallTexts.slice(0, 400));
    Atomics.store(s.calls, 0, 0);
    const seconds = await timed(() => client.embed(smallTexts));
    rates.push(count / seconds);
    console.log(`   coalesce ${String(coalesce).padEnd(5)}: ${fmt(count / seconds)} req/s ${fmt(smallTexts.length / seconds)} texts/s, ${Atomics.load(s.calls, 0)} embedder calls`);
    await client.close();
    await s.stop();
  }
  console.log(`   coalescing speed-up: ${(rates[0] / rates[1]).toFixed(2)}×`);
}

/** The peer transport: `count` requests through the global fetch, `concurrency` at a time. */
async function fetchClient(url: string, texts: string[], size: number, concurrency: number): Promise<number> {
  let next = 0;
  return timed(() =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let start = next++ * size; start < texts.length; start = next++ * size) {
          const res = await fetch(`${url}/embeddings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'static', input: texts.slice(start, start + size), encoding_format: 'float' }),
            signal: AbortSignal.timeout(60_000),
          });
          const json = (await res.json()) as { data: { embedding: number[] }[] };
          for (const item of json.data) Float32Array.from(item.embedding);
        }
      }),
    ),
  );
}

if (isMainThread) await main();
else await serve(workerData as ServerData);
