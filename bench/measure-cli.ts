/**
 * Runs one semclust command in this process and prints, as the last stdout line, JSON with
 * its exit code, wall seconds and peak RSS — so benchmarks measure the real CLI path.
 */
import { main } from '../pipeline/cli.js';

const started = performance.now();
const code = await main(process.argv.slice(2));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ code, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
process.exitCode = code;
