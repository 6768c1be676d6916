/**
 * Import rules for src/ and bench/, checked by `npm run check:deps` (part of
 * `npm test`; test/repo/dependency-rules.test.ts shows each rule failing on a
 * deliberately bad tree).
 *
 * Tiers, bottom to top; no import runs upward:
 *   library   src/core, data, backend, layers, losses, metrics, optimizers, model, io (and src/index.ts, src/browser.ts)
 *   apps      src/apps/lab, malware, inspect, image
 *   cli       src/cli
 *   bench     bench/ (may import anything in src/)
 *
 * Cycles: an import cycle is one that exists when the code runs. Type-only
 * imports (`import type`) are erased by tsc and cannot change the order in
 * which modules load, so a class and a helper that only name each other's
 * types (Sequential and its callbacks) are not counted. They are counted by
 * the tier rules: a type import from a higher tier is still an upward import.
 */

const LIBRARY = '^src/(core|data|backend|layers|losses|metrics|optimizers|model|io)/|^src/(index|browser)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A runtime import cycle: the modules in it load in an order that depends on who imports first. Move the shared part into its own module, or invert the dependency.',
      severity: 'error',
      from: { path: '^(src|bench)/' },
      to: {
        circular: true,
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'browser-core-imports-no-node',
      comment: 'These folders are bundled into web pages through src/browser.ts (convkit/browser): they must not import a Node builtin (import type is fine, tsc erases it). Fetch Node modules when first needed with process.getBuiltinModule, as backend/native/load-native.ts does. test/browser.test.ts bundles src/browser.ts with esbuild, io/ included.',
      severity: 'error',
      from: { path: '^src/(core|layers|losses|metrics|optimizers|model|backend)/|^src/browser[.]ts$' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'library-imports-no-app',
      comment: 'The library (core ... io, src/index.ts) must not import the apps, the CLI or the bench: they are built on it.',
      severity: 'error',
      from: { path: LIBRARY },
      to: { path: '^src/(apps|cli)/|^bench/' },
    },
    {
      name: 'model-imports-no-io',
      comment: 'io (model files, TF.js, ONNX, checkpoints) reads and writes models; the library below it never reaches for io. Save with saveModel(model, path).',
      severity: 'error',
      from: { path: '^src/(core|data|backend|layers|losses|metrics|optimizers|model)/' },
      to: { path: '^src/io/' },
    },
    {
      name: 'apps-import-no-cli',
      comment: 'An app must not import the CLI or the bench: move what both need into the app (or the library).',
      severity: 'error',
      from: { path: '^src/apps/' },
      to: { path: '^src/cli/|^bench/' },
    },
    {
      name: 'image-helpers-import-no-app',
      comment: 'src/apps/image (the PNG writer and reader) serves the other apps; it must not import them.',
      severity: 'error',
      from: { path: '^src/apps/image/' },
      to: { path: '^src/apps/(?!image/)' },
    },
    {
      name: 'cli-imports-no-bench',
      comment: 'The CLI must not import the bench, which sits on top.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^bench/' },
    },
    {
      name: 'code-imports-no-test',
      comment: 'src/ and bench/ must not import test code.',
      severity: 'error',
      from: { path: '^(src|bench)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports are kept (the tier rules see them); no-circular leaves them out itself.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
  },
};
