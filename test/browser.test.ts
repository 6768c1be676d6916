/**
 * src/browser.ts (package subpath convkit/browser) must bundle for a browser:
 * esbuild with platform 'browser' resolves no Node builtin, and the bundle
 * runs in a bare JavaScript context (no process, require or Buffer) where it
 * decodes a model file's bytes and predicts on the reference backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build, type Plugin } from 'esbuild';
import { Sequential, Tensor } from '../src/index.js';
import { encodeModel } from '../src/io/model-codec.js';
import { labCnnLayers } from './model/small-models.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Records every import of a Node builtin, with the file that imports it. */
function nodeBuiltinSpy(found: string[]): Plugin {
  return {
    name: 'node-builtin-spy',
    setup(bundle) {
      bundle.onResolve({ filter: /.*/ }, (args) => {
        if (NODE_BUILTINS.has(args.path) || args.path.startsWith('node:')) found.push(`${args.path} imported by ${args.importer.slice(root.length)}`);
        return undefined;
      });
    },
  };
}

async function bundleBrowserEntry(entry: string): Promise<{ code: string; builtins: string[]; errors: string[] }> {
  const builtins: string[] = [];
  const result = await build({
    entryPoints: [join(root, entry)], bundle: true, platform: 'browser', format: 'iife', globalName: 'convkit',
    write: false, logLevel: 'silent', plugins: [nodeBuiltinSpy(builtins)],
  }).catch((error: { errors?: { text: string }[] }) => ({ outputFiles: [], errors: error.errors ?? [{ text: String(error) }] }));
  return { code: result.outputFiles[0]?.text ?? '', builtins, errors: result.errors.map((e) => e.text) };
}

test('src/browser.ts bundles for the browser with no Node builtin anywhere in its import graph', async () => {
  const { code, builtins, errors } = await bundleBrowserEntry('src/browser.ts');
  assert.deepEqual(builtins, []);
  assert.deepEqual(errors, []);
  assert.ok(code.length > 10_000, 'the bundle holds the library');
});

test('the check sees a Node builtin: src/index.ts (files, MNIST, the native addon) does not bundle for the browser', async () => {
  const { builtins } = await bundleBrowserEntry('src/index.ts');
  assert.ok(builtins.some((b) => b.startsWith('node:fs')), `expected node:fs among ${builtins.join(', ')}`);
});

test('the browser bundle decodes a model file and predicts, in a context with no process, require or Buffer', async () => {
  const { code } = await bundleBrowserEntry('src/browser.ts');
  const model = new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed: 7 });
  const image = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
  const expected = [...model.predict(new Tensor(image, [1, 28, 28, 1])).data];
  const context = { bytes: encodeModel(model), image, TextDecoder, TextEncoder, console, result: undefined as unknown };
  runInNewContext(`${code}
    const { model } = convkit.decodeModel(bytes);
    const outputs = convkit.layerOutputs(model, image);
    result = JSON.stringify({ probabilities: Array.from(outputs[outputs.length - 1].data), names: outputs.map((o) => o.name), noProcess: typeof process === 'undefined' && typeof require === 'undefined' && typeof Buffer === 'undefined' });`, context);
  // JSON across the context boundary: its arrays have the other realm's prototypes.
  const result = JSON.parse(context.result as string) as { probabilities: number[]; names: string[]; noProcess: boolean };
  assert.equal(result.noProcess, true);
  assert.deepEqual(result.names.slice(0, 2), ['conv2d', 'max_pooling2d']);
  assert.deepEqual(result.probabilities, expected);
});
