/**
 * One long-run client for `npm run bench:http` (its own process, so CPU and peak RSS are the
 * client's alone): the embed stage's streaming path with semclust's default settings —
 * readLines → extractTexts → embedRows with the read-ahead bound → a sink that counts (the
 * Parquet writer is measured by bench:embed and bench:pipeline; at 4096-d it would write
 * 16 KiB a row) — against the stand-in at URL. Prints one JSON line.
 *
 *   node dist/bench/http-long-client.js URL FILE
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Settings } from '../schemas/config.js';
import { embedRows, type EmbeddedBatch } from '../operators/embed/embed.js';
import { httpBatchesInFlight } from '../operators/embedders/openai-http.js';
import { openEmbedder } from '../operators/embedders/open-embedder.js';
import { extractTexts } from '../operators/input/extract-text.js';
import { readLines } from '../operators/input/read-lines.js';

const [url, file] = process.argv.slice(2);
const s = Settings.parse({ embedding_endpoint: url, embedding_model: 'm' });
let retries = 0;
// The embed stage's own way to open the model, so the figures follow its settings.
const embedder = await openEmbedder(s, {
  log: (line) => {
    if (/attempt \d+ of \d+ failed/.test(line)) retries++;
  },
});
const BATCH_LINES = 4096;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let rows = 0;
let embedded = 0;
let rejected = 0;
await pipeline(
  Readable.from(readLines([file], { maxLineBytes: s.max_line_bytes, batchLines: BATCH_LINES })),
  extractTexts({ keyPath: s.text_key }),
  embedRows(embedder, { batchSize: s.batch_size, inFlight: httpBatchesInFlight(s.max_concurrency, BATCH_LINES, s.request_batch_size) }),
  async (batches: AsyncIterable<EmbeddedBatch>) => {
    for await (const b of batches) {
      rows += b.ids.length;
      embedded += b.embeddedIds.length;
      rejected += b.rejects.length;
    }
  },
);
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
const usage = embedder.usage!();
await embedder.close();
process.stdout.write(
  JSON.stringify({ rows, embedded, rejected, seconds, cpuMsPer1000: (cpu.user + cpu.system) / 1000 / (rows / 1000), maxRssMiB: process.resourceUsage().maxRSS / 1024, retries, usage }) + '\n',
);
