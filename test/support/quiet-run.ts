/**
 * A library caller in a process of its own (node:test's reporter writes to the test process's
 * stdout): runStages({ quiet: true }) over argv[2] into argv[3] with every write to
 * process.stdout and process.stderr captured meanwhile; prints the captured writes as JSON.
 */
import { runStages } from '../../index.js';

const [input, outDir] = process.argv.slice(2);
// `node --test dist/test/` loads every file below it, this one too: without its two arguments
// there is nothing to run, and that is not a failure.
if (outDir === undefined) process.exit(0);
const written: string[] = [];
const originals = [process.stdout, process.stderr].map((stream) => {
  const write = stream.write;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
  }) as typeof stream.write;
  return [stream, write] as const;
});
const state = await runStages({
  outDir,
  stages: ['embed', 'fit', 'infer', 'dedup', 'sample'],
  layers: [{ origin: 'test', values: { input, kmeans_num_clusters: 6, sample_size: 30 } }],
  quiet: true,
});
for (const [stream, write] of originals) stream.write = write;
process.stdout.write(JSON.stringify({ sample: state.record('sample')?.status, written }) + '\n');
