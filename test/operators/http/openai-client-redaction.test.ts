/**
 * Issue 18 item 3: a server that echoes the request's Authorization header in its error body
 * (a 127.0.0.1 server answering 401 with the headers it received, as some gateways do) must
 * not get the credentials onto stderr: the Bearer key and the Basic token that node:http
 * builds from the URL's user info are both redacted, in the error and in the retry lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAiClient } from '../../../operators/http/openai-client.js';

async function echoServer(status: number): Promise<{ port: number; seen: string[]; close: () => void }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(String(req.headers.authorization));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'unauthorized', received_headers: req.headers } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => server.close() };
}

test('an Authorization header echoed in an error body is redacted, Basic (from user:password in the URL) and Bearer alike', async () => {
  const password = 'Pa55w0rd-very-secret';
  const key = 'sk-test-echoed-key-1234';
  process.env.REDACTION_TEST_KEY = key;
  for (const [status, auth] of [
    [401, 'basic'],
    [503, 'basic'],
    [401, 'bearer'],
  ] as const) {
    const server = await echoServer(status);
    const lines: string[] = [];
    try {
      const client = openAiClient({
        url: new URL(`http://alice:${password}@127.0.0.1:${server.port}/v1/embeddings`),
        what: 'embedding',
        apiKeyEnv: auth === 'bearer' ? 'REDACTION_TEST_KEY' : 'REDACTION_TEST_UNSET',
        maxRetries: 1,
        retryBaseMs: 1,
        log: (l) => lines.push(l),
      });
      const error = await client.post({ input: ['x'] }, (t) => t).then(
        () => assert.fail('the server refused'),
        (e: Error) => e,
      );
      const sent = server.seen[0];
      // The server really received the credentials, so the echo is a real one.
      assert.match(sent, auth === 'bearer' ? /^Bearer / : /^Basic /);
      const token = sent.split(' ')[1];
      const text = [error.message, ...lines].join('\n');
      assert.match(text, /received_headers/, 'the body is quoted');
      for (const secret of [token, token.replace(/=+$/, ''), password, key]) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    } finally {
      server.close();
    }
  }
  delete process.env.REDACTION_TEST_KEY;
});
