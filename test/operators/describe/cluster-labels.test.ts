/**
 * LLM labels against a chat-completions server on 127.0.0.1 that speaks the OpenAI
 * protocol (a stand-in: no LLM runs here): retries on 503, a failure leaves the cluster
 * unlabelled and is reported, the API key is sent, answers are cached in OUTDIR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { labelClusters } from '../../../operators/describe/cluster-labels.js';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/paths.js';
import { writeTopicTexts } from '../../support/topic-texts.js';

interface ChatServer {
  url: string;
  requests: { auth: string | undefined; body: { model: string; messages: { role: string; content: string }[] } }[];
  close(): Promise<void>;
}

/**
 * Labels a cluster "about <first keyword>"; answers 503 once to prompts with "pin", and
 * always 400 to prompts with "refund" — or, with `rejectFirst`, to the first prompt it sees.
 */
async function startChatServer(rejectFirst = false): Promise<ChatServer> {
  const requests: ChatServer['requests'] = [];
  let pinFailures = 0;
  let rejected: string | undefined;
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    requests.push({ auth: req.headers.authorization, body });
    const prompt: string = body.messages.at(-1).content;
    const keywords = /^Keywords: (.*)$/m.exec(prompt)![1].split(', ');
    if (req.url !== '/v1/chat/completions') return res.writeHead(404).end();
    if (rejectFirst) rejected ??= prompt;
    if (rejectFirst ? prompt === rejected : keywords.some((k) => k.includes('refund'))) return res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad prompt"}');
    if (keywords.some((k) => k.includes('pin')) && pinFailures++ === 0) return res.writeHead(503).end('busy');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: `"About ${keywords[0]}."` }, finish_reason: 'stop' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('labelClusters: labels from the chat server, 503 retried, 400 leaves the cluster unlabelled, key sent, rerun answered from the cache', async () => {
  const server = await startChatServer();
  process.env.SEMCLUST_TEST_LABEL_KEY = 'sk-test-123';
  try {
    const cacheFile = path.join(tempDir('labels'), 'cluster-labels.json');
    const clusters = [
      { cluster: 0, keywords: ['card', 'arrival'], representatives: ['where is my card'] },
      { cluster: 1, keywords: ['pin', 'blocked'], representatives: ['my pin is blocked'] },
      { cluster: 2, keywords: ['refund', 'merchant'], representatives: ['refund please'] },
    ];
    const options = { endpoint: server.url, model: 'tiny-chat', apiKeyEnv: 'SEMCLUST_TEST_LABEL_KEY', cacheFile, retryBaseMs: 1 };
    const first = await labelClusters(clusters, options);
    assert.deepEqual([...first.labels].sort(), [[0, 'About card'], [1, 'About pin']]);
    assert.equal(first.failed.length, 1);
    assert.match(first.failed[0], /^cluster 2: label request failed \(not retried\): HTTP 400/);
    assert.equal(server.requests.length, 4, 'card once, pin twice (503 then 200), refund once');
    for (const r of server.requests) {
      assert.equal(r.auth, 'Bearer sk-test-123');
      assert.equal(r.body.model, 'tiny-chat');
      assert.match(r.body.messages.at(-1)!.content, /Texts nearest the cluster centre:\n- /);
    }
    const second = await labelClusters(clusters, options);
    assert.deepEqual([...second.labels].sort(), [...first.labels].sort());
    assert.equal(second.cached, 2);
    assert.equal(server.requests.length, 5, 'only the unlabelled cluster is asked again');
  } finally {
    delete process.env.SEMCLUST_TEST_LABEL_KEY;
    await server.close();
  }
});

test('infer --label-endpoint puts LLM labels in clusters.parquet and the statistics; a failed label does not stop the run', async () => {
  const server = await startChatServer(true);
  try {
    const dir = tempDir('labels-cli');
    const file = path.join(dir, 'topics.jsonl');
    writeTopicTexts(file, 60);
    const out = path.join(dir, 'out');
    const r = await runCli(['infer', file, out, '--kmeans-num-clusters', '4', '--label-endpoint', server.url, '--label-model', 'tiny-chat', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const q = await runCli(['query', out, 'SELECT cluster, label, keywords[1] AS top FROM clusters ORDER BY cluster', '--format', 'json']);
    const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) {
      const asked = server.requests.some((x) => x.body.messages.at(-1)!.content.startsWith(`Keywords: ${row.top}`));
      assert.ok(asked);
      if (row.label) assert.equal(row.label, `About ${row.top}`);
    }
    const labelled = rows.filter((x) => x.label);
    assert.equal(labelled.length, 3, JSON.stringify(rows));
    assert.match(r.stderr, /labels: 3 clusters labelled \(0 from the cache\), 1 unlabelled: cluster \d+: label request failed/);
    assert.match(r.stdout, new RegExp(`About ${labelled[0].top} — `)); // the cluster statistics are a result: stdout
  } finally {
    await server.close();
  }
});
