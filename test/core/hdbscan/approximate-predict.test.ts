import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { approximatePredict, HdbscanPredictor } from '../../../core/hdbscan/approximate-predict.js';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';
import { encodeHdbscanModel } from '../../../core/hdbscan/hdbscan-model.js';
import { CENTRES, D, fitFourBlobs, sample } from '../../support/four-blobs.js';

const fitted = fitFourBlobs();

test('predicting the fitted points gives their fit label for at least 99% of the non-noise points', async () => {
  const { data, fit } = await fitted;
  assert.ok(fit.model.meta.labelCount >= 4);
  const { labels, probabilities } = await approximatePredict(fit.model, data, 3000);
  let members = 0;
  let same = 0;
  for (let i = 0; i < 3000; i++) {
    if (fit.labels[i] < 0) continue;
    members++;
    if (labels[i] === fit.labels[i]) same++;
    assert.ok(probabilities[i] > 0 && probabilities[i] <= 1);
  }
  assert.ok(same / members >= 0.99, `${same} of ${members}`);
});

test('new points from a blob get that blob’s cluster; points far from every blob are noise', async () => {
  const { blob, fit } = await fitted;
  // The cluster of each blob: the fit label most of its points carry.
  const clusterOf = CENTRES.map((_, b) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i++) if (blob[i] === b) counts.set(fit.labels[i], (counts.get(fit.labels[i]) ?? 0) + 1);
    return [...counts].sort((x, y) => y[1] - x[1])[0][0];
  });
  const fresh = sample(1000, 2);
  const far = new Float32Array(3 * D).fill(200);
  far.fill(-200, D, 2 * D);
  far.fill(80, 2 * D);
  const predictor = await HdbscanPredictor.create(fit.model, { threads: 1 });
  try {
    const { labels } = await predictor.predict(fresh.data, 1000);
    let inBlobs = 0;
    let agree = 0;
    for (let i = 0; i < 1000; i++) {
      if (fresh.blob[i] < 0) continue;
      inBlobs++;
      if (labels[i] === clusterOf[fresh.blob[i]]) agree++;
    }
    assert.ok(agree / inBlobs >= 0.95, `${agree} of ${inBlobs}`);
    const outside = await predictor.predict(far, 3);
    assert.deepEqual(Array.from(outside.labels), [-1, -1, -1]);
    assert.deepEqual(Array.from(outside.probabilities), [0, 0, 0]);
  } finally {
    await predictor.close();
  }
});

test('prediction in a worker thread from the encoded model equals prediction in the main thread', async () => {
  const { data, fit } = await fitted;
  const block = data.slice(0, 400 * D);
  const module = new URL('../../../core/hdbscan/approximate-predict.js', import.meta.url).href;
  const models = new URL('../../../core/hdbscan/hdbscan-model.js', import.meta.url).href;
  const source = `
    import { parentPort, workerData } from 'node:worker_threads';
    import { approximatePredict } from ${JSON.stringify(module)};
    import { decodeHdbscanModel } from ${JSON.stringify(models)};
    const model = decodeHdbscanModel(workerData.model);
    parentPort.postMessage(await approximatePredict(model, workerData.block, workerData.rows, { threads: 1 }));
  `;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
    workerData: { model: encodeHdbscanModel(fit.model), block, rows: 400 },
  });
  const fromWorker = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(fromWorker, await approximatePredict(fit.model, block, 400));
});

test('a model without clusters predicts noise everywhere', async () => {
  const { data } = sample(50, 3);
  const fit = await fitHdbscan(data, 50, D, { minClusterSize: 40 });
  assert.equal(fit.model.meta.labelCount, 0);
  const { labels, probabilities } = await approximatePredict(fit.model, data, 50);
  assert.ok(labels.every((l) => l === -1) && probabilities.every((p) => p === 0));
});
