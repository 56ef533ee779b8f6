/**
 * Posts the rendered Ray job bodies to the Jobs REST API (POST <address>/api/jobs/), one per
 * shard, and returns the submission ids Ray answers with. A refused or unreachable head stops
 * at the first failure with what it said, naming the shards already submitted. An address
 * with user info is sent as Basic authorization (fetch refuses credentials in a URL), and
 * every message has the address's credentials redacted.
 */
import { redactUrl, redactUrlIn } from '../../core/util/redact-url.js';
import type { RayJobBody } from './ray.js';

/** The address without user info, and the Authorization header that carries it instead. */
function splitCredentials(address: string): { url: string; headers: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(`${address}/api/jobs/`);
  } catch {
    throw new Error(`the Ray address ${redactUrl(address)} is not a URL: give --ray-address http://HOST:8265`);
  }
  if (u.username === '' && u.password === '') return { url: u.toString(), headers: {} };
  const auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString(), headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } };
}

export async function submitRay(address: string, bodies: readonly RayJobBody[], say: (m: string) => void): Promise<string[]> {
  const ids: string[] = [];
  const { url, headers } = splitCredentials(address);
  const shown = redactUrl(`${address}/api/jobs/`);
  const redact = (text: string) => redactUrlIn(text, `${address}/api/jobs/`);
  for (const [shard, body] of bodies.entries()) {
    let answer: Response;
    try {
      answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new Error(redact(`cannot reach the Ray head at ${shown} (${(e as Error).message})${ids.length ? `; shards 0-${ids.length - 1} were submitted` : ''}: start it, or give --ray-address`));
    }
    const text = await answer.text();
    if (!answer.ok) throw new Error(redact(`Ray refused shard ${shard}: HTTP ${answer.status} ${text.slice(0, 500)}${ids.length ? `; shards 0-${ids.length - 1} were submitted` : ''}`));
    const id = (JSON.parse(text) as { submission_id?: string; job_id?: string }).submission_id ?? '?';
    say(`ray: shard ${shard}/${bodies.length} submitted as ${id}`);
    ids.push(id);
  }
  return ids;
}
