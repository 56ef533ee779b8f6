import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretParam, redactUrl, redactUrlIn, urlHasSecrets, urlSecrets } from '../../../core/util/redact-url.js';

test('user info and secret-looking query values become ***, everything else is kept as written', () => {
  const cases: [string, string][] = [
    ['http://user:secret@host/v1?api-key=secret', 'http://***@host/v1?api-key=***'],
    ['https://only-user@example.com:8443/v1/embeddings', 'https://***@example.com:8443/v1/embeddings'],
    ['http://h/v1?key=abc&model=bge%20small&token=t0k3n&access_token=x.y.z&sig=Zm9v%3D', 'http://h/v1?key=***&model=bge%20small&token=***&access_token=***&sig=***'],
    ['https://x.openai.azure.com/openai/deployments/d/embeddings?api-version=2024-02-01&api-key=k3y', 'https://x.openai.azure.com/openai/deployments/d/embeddings?api-version=2024-02-01&api-key=***'],
    ['https://bucket.s3/obj?X-Amz-Signature=abcd&X-Amz-Credential=AKIA&X-Amz-Date=2024', 'https://bucket.s3/obj?X-Amz-Signature=***&X-Amz-Credential=***&X-Amz-Date=2024'],
    ['http://127.0.0.1:8080/v1', 'http://127.0.0.1:8080/v1'],
    ['http://h/v1?debug&API_KEY=a#frag', 'http://h/v1?debug&API_KEY=***#frag'],
    ['http://h/v1?monkey=banana&keyword=x', 'http://h/v1?monkey=banana&keyword=x'],
  ];
  for (const [url, want] of cases) assert.equal(redactUrl(url), want, url);
  assert.equal(redactUrl('not a url://u:p@x'), 'not a url://u:p@x');
  assert.equal(redactUrl('weird://u:p@[bad'), 'weird://***@[bad');
});

test('secret names: whole name or last word, any case', () => {
  for (const name of ['key', 'Api-Key', 'x-api-key', 'apikey', 'token', 'access_token', 'sig', 'client_secret', 'X-Amz-Signature', 'password']) {
    assert.ok(isSecretParam(name), name);
  }
  for (const name of ['model', 'api-version', 'keyword', 'monkey', 'tokens_max', 'signal']) assert.ok(!isSecretParam(name), name);
});

test('text quoting the URL or its secrets (raw or decoded) is scrubbed', () => {
  const url = 'http://alice:s3cr%40t@host:9/v1/embeddings?api-key=k%2Fy12&k=1';
  // With the Basic token an HTTP client makes of the decoded user info (RFC 7617), padded and not.
  const basic = btoa('alice:s3cr@t');
  assert.deepEqual(urlSecrets(url), [...new Set(['k%2Fy12', 'alice', 's3cr%40t', 'k/y12', 's3cr@t', basic, basic.replace(/=+$/, '')])].sort((a, b) => b.length - a.length));
  const text = `POST ${url} failed: 401 for key k/y12 (user alice, password s3cr@t)`;
  const clean = redactUrlIn(text, url);
  assert.equal(clean, 'POST http://***@host:9/v1/embeddings?api-key=***&k=1 failed: 401 for key *** (user ***, password ***)');
});

test('urlHasSecrets tells a URL that can be recorded as it is from one that needs redaction', () => {
  for (const url of ['http://127.0.0.1:8080/v1', 'https://api.openai.com/v1/', 'http://h/v1?api-version=2024-02-01&debug']) assert.equal(urlHasSecrets(url), false, url);
  for (const url of ['http://u@h/v1', 'http://u:p@h/v1', 'http://h/v1?token=t', 'http://h/v1?x=1&Api-Key=', 'https://b/o?X-Amz-Signature=s']) assert.equal(urlHasSecrets(url), true, url);
});

test('an echoed Authorization: Basic token of the user info in a URL is scrubbed, UTF-8 user info included', () => {
  for (const [url, user] of [
    ['http://user:PASS@host:8000/v1', 'user:PASS'],
    ['http://j%C3%B6rg:p%C3%A4ss@host/v1', 'jörg:päss'],
  ]) {
    const token = Buffer.from(user).toString('base64');
    assert.equal(redactUrlIn(`401: {"authorization":"Basic ${token}"}`, url), '401: {"authorization":"Basic ***"}', url);
  }
});
