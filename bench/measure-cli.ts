/**
 * Runs one semclust command in this process and prints, as the last stdout line, JSON with
 * its exit code, wall seconds, CPU seconds and peak RSS — so benchmarks measure the real CLI path.
 */
import { main } from '../pipeline/cli.js';

const started = performance.now();
const code = await main(process.argv.slice(2));
const seconds = (performance.now() - started) / 1000;
const usage = process.resourceUsage();
// CPU seconds (all threads) beside the wall time: on a shared machine they vary less.
process.stdout.write(JSON.stringify({ code, seconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssMiB: usage.maxRSS / 1024 }) + '\n');
process.exitCode = code;
