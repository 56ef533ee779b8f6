/**
 * The one-node Slurm cluster of .ci/slurm.sh for the tests: `slurmUp()` before, `slurmDown()`
 * after, SLURM_CONF pointed at it for this process and its children (sbatch, squeue, scancel).
 * Without Debian's slurm-wlm and munge (or without root) the Slurm tests are skipped with how
 * to install them, unless CI=true or SEMCLUST_REQUIRE_SLURM=1, where they fail.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './paths.js';

const DIR = path.join(os.tmpdir(), 'semclust-test-slurm');
const SCRIPT = path.join(REPO, '.ci/slurm.sh');
export const SLURM_INSTALL_HINT = 'install Slurm and munge as root: apt-get update && apt-get install -y slurm-wlm munge';

export const slurmRequired = process.env.CI === 'true' || process.env.SEMCLUST_REQUIRE_SLURM === '1';
const installed = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'].every((f) => fs.existsSync(f));
const root = process.getuid?.() === 0;
const missing = !installed ? `no Slurm for the Slurm tests: ${SLURM_INSTALL_HINT}` : !root ? 'the Slurm tests start a cluster and must run as root' : null;
/** node:test's `skip` value: a reason locally, false where Slurm is required (the test then fails in slurmUp). */
export const slurmSkip: string | false = missing && !slurmRequired ? missing : false;

function script(verb: 'up' | 'down'): void {
  execFileSync('bash', [SCRIPT, verb], { env: { ...process.env, SEMCLUST_SLURM_DIR: DIR }, stdio: ['ignore', 'inherit', 'inherit'] });
}

export function slurmUp(): void {
  if (missing) throw new Error(`${missing} (required here: CI=true or SEMCLUST_REQUIRE_SLURM=1)`);
  script('up');
  process.env.SLURM_CONF = path.join(DIR, 'slurm.conf');
}

export function slurmDown(): void {
  if (!missing) script('down');
}
