/**
 * The environment a Python peer runs in, with its BLAS on the best kernel the CPU supports.
 *
 * Debian's OpenBLAS 0.3.21 does not recognise this host's AVX-512 Xeon (it reports no model
 * name) and falls back to its generic "Prescott" SSE3 kernels, measured 4× slower than its
 * SkylakeX kernels on a 2,000² float32 product; that made every peer look slower than it is.
 * So: probe the peer's BLAS as the environment leaves it (without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE, which this machine may set for other tools and which only make sense
 * together); when OpenBLAS picked a generic kernel, force the best one the CPU's flags allow
 * (SkylakeX for AVX-512, Haswell for AVX2), probe again, and check the forced kernel's float32
 * product against float64 (bench/peers/blas_probe.py).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('../../bench/peers/blas_probe.py', import.meta.url));
/** OpenBLAS core types that are its generic fallbacks, not a match for the CPU. */
const GENERIC = new Set(['prescott', 'katmai', 'coppermine', 'northwood', 'banias', 'atom', 'core2', 'penryn', 'dunnington', 'nehalem']);
/** float32 against float64 on the probe's product: the error of a correct kernel is ~1e-4. */
const MAX_ERROR = 1e-3;

export interface PeerBlas {
  /** The base environment for the peer (add thread counts on top). */
  env: NodeJS.ProcessEnv;
  /** One line for the bench's output: the kernel, and whether it was forced and checked. */
  line: string;
}

interface Probe {
  blas: { internal_api: string; version: string; architecture?: string; num_threads: number }[];
  max_error: number;
}

function probe(env: NodeJS.ProcessEnv): Probe | string {
  const run = spawnSync('/usr/bin/python3', [PROBE], { env, encoding: 'utf8' });
  if (run.status !== 0) return `BLAS probe failed (apt-get install -y python3-numpy python3-threadpoolctl): ${run.stderr.trim().split('\n').pop()}`;
  return JSON.parse(run.stdout.trim()) as Probe;
}

const describe = (p: Probe): string => p.blas.map((b) => `${b.internal_api} ${b.version} ${b.architecture ?? '?'}`).join(', ') || 'no BLAS seen';

/** The best OpenBLAS core type for this CPU's flags, or undefined. */
function bestCoreType(): string | undefined {
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').split(/\s+/));
  if (flags.has('avx512f') && flags.has('avx512bw') && flags.has('avx512vl')) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

let cached: PeerBlas | undefined;

export function peerBlas(): PeerBlas {
  if (cached) return cached;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const found = probe(env);
  if (typeof found === 'string') {
    cached = { env, line: `peer BLAS: unknown, ${found}` };
    return cached;
  }
  const generic = found.blas.some((b) => b.internal_api === 'openblas' && GENERIC.has((b.architecture ?? '').toLowerCase()));
  const best = generic ? bestCoreType() : undefined;
  if (!best) {
    cached = { env, line: `peer BLAS: ${describe(found)} (as detected; float32 vs float64 max error ${found.max_error.toExponential(1)})` };
    return cached;
  }
  const forced = { ...env, OPENBLAS_CORETYPE: best };
  const checked = probe(forced);
  if (typeof checked === 'string') throw new Error(`with OPENBLAS_CORETYPE=${best}: ${checked}`);
  if (!(checked.max_error <= MAX_ERROR)) throw new Error(`OPENBLAS_CORETYPE=${best} gives wrong products (max error ${checked.max_error} vs float64); not using it`);
  cached = {
    env: forced,
    line:
      `peer BLAS: ${describe(checked)} (OpenBLAS detected ${describe(found)}, a generic kernel: set OPENBLAS_CORETYPE=${best} from the CPU flags; ` +
      `float32 vs float64 max error ${checked.max_error.toExponential(1)}, generic kernel ${found.max_error.toExponential(1)})`,
  };
  return cached;
}
