// Lint for what tsc does not catch: an unawaited promise. predict() and evaluate() are async, and an
// unawaited call once timed 50 ms of a bench pass as the whole pass; this rule makes that a build error.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'build-sanitize/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  // Only the rules below run: a disable comment written for another linter's rule is not an error here.
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'fuzz/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      // The page has its own project (the DOM lib); everything else is the main one.
      parserOptions: { project: ['./tsconfig.json', './src/apps/playground/web/tsconfig.web.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test() and describe() return promises that the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
);
