/**
 * Credentials out of URLs before they are printed or recorded: user info
 * (`http://user:secret@host`) and the values of query parameters whose names look secret
 * (`api-key`, `key`, `token`, `access_token`, `sig`, …) become `***`. Azure OpenAI
 * (`?api-key=`), signed URLs (`?sig=`, `X-Amz-Signature`) and gateways that take
 * `?token=` all put the secret there.
 */

export const REDACTED = '***';

/**
 * Query names treated as secret: the whole name, or its last `-`/`_`/`.` separated word
 * (`x-api-key`, `X-Amz-Signature`, `client_secret`), compared case-insensitively.
 */
const SECRET_WORDS = new Set([
  'key', 'apikey', 'api-key', 'api_key', 'token', 'access_token', 'refresh_token', 'id_token', 'auth', 'authorization',
  'sig', 'signature', 'secret', 'password', 'passwd', 'pwd', 'credential', 'credentials', 'session', 'code',
]);

/** Whether a query parameter name looks like it holds a secret. */
export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  if (SECRET_WORDS.has(lower)) return true;
  const last = lower.split(/[-_.]/).pop() ?? '';
  return SECRET_WORDS.has(last);
}

/**
 * The URL with user info and secret query values replaced by `***`; the scheme, host,
 * port, path and other parameters kept so the endpoint stays recognisable. A string that
 * does not parse as a URL is returned with any `scheme://user@` prefix redacted.
 */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return url.toString().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
  }
  const hadUser = u.username !== '' || u.password !== '';
  u.username = '';
  u.password = '';
  // Rebuilt by hand: URLSearchParams would re-encode the other values and `***` as %2A%2A%2A.
  const query = u.search
    .slice(1)
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is judged by its raw spelling.
      }
      return eq >= 0 && isSecretParam(decoded) ? `${name}=${REDACTED}` : pair;
    });
  const search = query.length > 0 ? `?${query.join('&')}` : '';
  const host = `${u.protocol}//${hadUser ? `${REDACTED}@` : ''}${u.host}`;
  return `${host}${u.pathname}${search}${u.hash}`;
}

/** Base64 of a string's UTF-8 bytes (RFC 4648 §4), as an HTTP client writes `user:password` in `Authorization: Basic`. */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The secret strings a URL carries (password, user name, secret query values, raw and
 * decoded, and the `Authorization: Basic` token its user info becomes — RFC 7617 — with and
 * without its `=` padding), for scrubbing text that may quote them, such as a server's error
 * body that echoes the request's headers, or a socket error. Values shorter than 4 characters
 * are left out: replacing "1" everywhere would garble the text while protecting nothing.
 */
export function urlSecrets(url: string | URL): string[] {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return [];
  }
  const out = new Set<string>();
  const add = (v: string) => {
    if (v.length >= 4) out.add(v);
    try {
      const d = decodeURIComponent(v);
      if (d.length >= 4) out.add(d);
    } catch {
      // Only the raw form then.
    }
  };
  add(u.username);
  add(u.password);
  if (u.username !== '' || u.password !== '') {
    let user = u.username;
    let password = u.password;
    try {
      // What node:http sends: the decoded user info (url.urlToHttpOptions).
      user = decodeURIComponent(user);
      password = decodeURIComponent(password);
    } catch {
      // Sent as written then.
    }
    const basic = base64Utf8(`${user}:${password}`);
    out.add(basic);
    out.add(basic.replace(/=+$/, ''));
  }
  for (const pair of u.search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // Judged by the raw name.
    }
    if (isSecretParam(name)) add(pair.slice(eq + 1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of the URL (raw) and of each secret it carries replaced. */
export function redactUrlIn(text: string, url: string | URL): string {
  let out = text.split(url.toString()).join(redactUrl(url));
  for (const s of urlSecrets(url)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * Whether `url` carries credentials (user info or a secret-looking query value), so that
 * printing or recording it needs redactUrl. A run that remembers its endpoint can keep a URL
 * without them as it is, and must ask again for one with them rather than reuse the
 * redacted form.
 */
export function urlHasSecrets(url: string | URL): boolean {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(url.toString());
  }
  if (u.username !== '' || u.password !== '') return true;
  return u.search
    .slice(1)
    .split('&')
    .some((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return false;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // Judged by the raw name.
      }
      return isSecretParam(name);
    });
}
