/**
 * Credentials out of the stage command before anything is rendered (issue 18 item 2): an
 * argument that is a URL with user info or a secret query value (`--embedding-endpoint
 * http://user:PASS@host/v1?api-key=KEY`) is replaced by an environment variable named after
 * its flag (SEMCLUST_EMBEDDING_ENDPOINT). The rendered jobs read the variable at run time —
 * Slurm from the submitter's exported environment, Kubernetes from a Secret, Batch from its
 * `secrets`, Ray from its nodes' environment — so the value is never written to shared
 * storage nor printed; launch passes it only in the environment of the clients it runs.
 */
import { urlHasSecrets } from '../../core/util/redact-url.js';
import type { Secret, Word } from './job.js';

/** Whether a word (or one of its comma-separated URLs: several endpoints) carries credentials. */
function carriesSecrets(word: string): boolean {
  return word.split(',').some((part) => /^[a-z][a-z0-9+.-]*:\/\//i.test(part.trim()) && urlHasSecrets(part.trim()));
}

/** `--embedding-endpoint` → SEMCLUST_EMBEDDING_ENDPOINT; a positional → SEMCLUST_SECRET_ARG_<i>. */
function envName(flag: string | undefined, index: number): string {
  const name = flag?.replace(/^--/, '').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return name ? `SEMCLUST_${name}` : `SEMCLUST_SECRET_ARG_${index}`;
}

/**
 * The words with each credentialed value replaced by `{ env }`, and the values. `--flag=URL`
 * becomes `--flag` and the variable (the stage reads both spellings alike).
 */
export function extractSecrets(args: readonly string[]): { args: Word[]; secrets: Secret[] } {
  const out: Word[] = [];
  const secrets: Secret[] = [];
  const take = (flag: string | undefined, value: string): Word => {
    let env = envName(flag, out.length);
    // The same flag twice (the last wins in the stage, as here) gets its own variable.
    for (let n = 2; secrets.some((s) => s.env === env); n++) env = `${envName(flag, out.length)}_${n}`;
    secrets.push({ env, value });
    return { env };
  };
  for (const [i, word] of args.entries()) {
    const eq = /^(--[A-Za-z0-9_-]+)=(.*)$/s.exec(word);
    if (eq && carriesSecrets(eq[2])) {
      out.push(eq[1], take(eq[1], eq[2]));
      continue;
    }
    const previous = args[i - 1];
    const flag = previous !== undefined && /^--[A-Za-z0-9_-]+$/.test(previous) ? previous : undefined;
    out.push(carriesSecrets(word) ? take(flag, word) : word);
  }
  return { args: out, secrets };
}
