/**
 * The package's entry points, imported by name through package.json
 * "exports" as a user imports them: 'convkit' is the library alone; the apps
 * answer at 'convkit/lab' and 'convkit/malware'; 'convkit/browser' is the
 * Node-free part of the library (test/browser.test.ts bundles it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

/** Imported through a variable so that tsc does not resolve the package to dist/ before dist/ is built. */
async function entry(name: string): Promise<Record<string, unknown>> {
  return (await import(name)) as Record<string, unknown>;
}

test("'convkit' exports the library and none of the apps", async () => {
  const library = await entry('convkit');
  for (const name of ['Sequential', 'layers', 'Adam', 'Tensor', 'loadModel', 'exportOnnx', 'loadMnist', 'confusionReport']) assert.ok(name in library, `convkit exports ${name}`);
  for (const name of ['DEFAULT_ZIP_PASSWORD', 'readZipSamples', 'convertSample', 'trainFamilies', 'createLabCnn', 'createSeedCnn', 'createDenseBaseline', 'RECIPES']) {
    assert.ok(!(name in library), `convkit must not export the app's ${name}`);
  }
});

test("'convkit/lab' builds the lab's two models with their true parameter counts", async () => {
  const lab = await entry('convkit/lab');
  type Model = { countParams(): number };
  const cnn = (lab.createLabCnn as (o: object) => Model)({ seed: 1, backend: 'reference' });
  const dense = (lab.createDenseBaseline as (o: object) => Model)({ seed: 1, backend: 'reference' });
  assert.equal(cnn.countParams(), 225_034);
  assert.equal(dense.countParams(), 101_770);
  assert.ok('RECIPES' in lab && 'trainLabModel' in lab && 'evaluateOnTestSet' in lab);
});

test("'convkit/malware' exports what the malware app offered before, the zip password included", async () => {
  const malware = await entry('convkit/malware');
  for (const name of ['convertSample', 'natarajWidth', 'bytesToImage', 'loadFamilyFolder', 'trainFamilies', 'evaluateFamilies', 'robustnessTable', 'ROBUSTNESS_MUTATIONS', 'measureConversionThroughput', 'measureDeflateThroughput', 'readZipSamples', 'alignToModel', 'evaluateModelOn']) {
    assert.ok(name in malware, `convkit/malware exports ${name}`);
  }
  assert.equal(malware.DEFAULT_ZIP_PASSWORD, 'infected');
});

test("'convkit/browser' exports the Node-free library a page uses, and nothing that reads files", async () => {
  const browser = await entry('convkit/browser');
  for (const name of ['Sequential', 'layers', 'Tensor', 'decodeModel', 'encodeModel', 'layerOutputs', 'unitReceptiveField', 'receptiveFields', 'modelView', 'divergingRgb', 'referenceBackend']) {
    assert.ok(name in browser, `convkit/browser exports ${name}`);
  }
  for (const name of ['loadModel', 'saveModel', 'loadMnist', 'loadNativeBackend', 'CSVLogger', 'exportOnnx']) assert.ok(!(name in browser), `convkit/browser must not export ${name}`);
  const library = await entry('convkit');
  for (const name of ['layerOutputs', 'unitReceptiveField', 'modelView', 'divergingRgb', 'decodeModel']) assert.ok(name in library, `convkit exports ${name}`);
});
