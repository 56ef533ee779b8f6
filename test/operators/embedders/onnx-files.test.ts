import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DTYPES, onnxModelFiles } from '../../../operators/embedders/onnx-files.js';
import { openOnnxFolder } from '../../../operators/embedders/onnx-folder.js';
import { writeTinyTransformer } from '../../support/tiny-transformer.js';
import { tempDir } from '../../support/paths.js';

test('each dtype names the Transformers.js file under onnx/ first, then the optimum export at the root', () => {
  assert.deepEqual(onnxModelFiles(), ['onnx/model.onnx', 'model.onnx']);
  assert.deepEqual(onnxModelFiles('fp16'), ['onnx/model_fp16.onnx', 'model_fp16.onnx']);
  assert.deepEqual(onnxModelFiles('q8'), ['onnx/model_quantized.onnx', 'model_quantized.onnx']);
  assert.equal(new Set(DTYPES.flatMap((d) => onnxModelFiles(d))).size, DTYPES.length * 2, 'no two dtypes share a file');
});

test('a folder with the model at either place opens; the onnx/ copy is the one used when both exist', async () => {
  const root = tempDir('onnx-files');
  const rootLayout = await writeTinyTransformer(path.join(root, 'optimum'), { seed: 4, tokenizer: 'wordpiece', layout: 'root' });
  const e = await openOnnxFolder(rootLayout.dir, {});
  try {
    assert.ok(e.dims > 0);
  } finally {
    await e.close();
  }
  // Put a file that is not ONNX at the root beside a good onnx/model.onnx: onnx/ comes first, so it opens.
  const both = await writeTinyTransformer(path.join(root, 'both'), { seed: 4, tokenizer: 'wordpiece' });
  fs.writeFileSync(path.join(both.dir, 'model.onnx'), 'not an onnx graph');
  assert.ok(fs.existsSync(path.join(both.dir, 'onnx', 'model.onnx')));
  const b = await openOnnxFolder(both.dir, {});
  await b.close();
});

test('the dtype picks the file: a folder holding only model_quantized.onnx opens as q8 and is refused as fp32, naming the files looked for', async () => {
  const q8 = await writeTinyTransformer(path.join(tempDir('onnx-files'), 'q8'), { seed: 6, tokenizer: 'wordpiece', modelFile: 'model_quantized.onnx' });
  const e = await openOnnxFolder(q8.dir, { dtype: 'q8' });
  await e.close();
  await assert.rejects(openOnnxFolder(q8.dir, { dtype: 'fp32' }), /onnx\/model\.onnx/);
});
