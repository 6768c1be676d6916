#!/usr/bin/env node
/**
 * Bundles the page's browser code (src/apps/playground/web/, typechecked
 * just before by `tsc -p src/apps/playground/web/tsconfig.web.json`) into
 * dist/web/, the files `convkit playground` serves from its fixed list and
 * `convkit report` inlines:
 *   playground.js   the playground page (web/playground-entry.ts)
 *   report.js       the report page (web/report-entry.ts; skipped while it does not exist)
 *   page.css        the page's styles
 *   uplot.css       uPlot's own styles (the chart library)
 *   playground.html the shell the server serves, with __CONVKIT_TOKEN__ where the token goes
 * platform 'browser' makes esbuild refuse any Node builtin in the bundles'
 * import graphs, so a Node-only import reaching the page fails the build.
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const web = join(root, 'src', 'apps', 'playground', 'web');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });

const entries = [
  { name: 'playground', file: join(web, 'playground-entry.ts') },
  { name: 'report', file: join(web, 'report-entry.ts') },
].filter((entry) => existsSync(entry.file));

for (const entry of entries) {
  await build({
    entryPoints: [entry.file],
    outfile: join(out, `${entry.name}.js`),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'inline',
    logLevel: 'warning',
    // The native loader (src/backend/native/load-native.ts) names import.meta.url in functions a page never
    // calls: in a browser the backend is the reference one (select-backend.ts), so the empty value is harmless.
    logOverride: { 'empty-import-meta': 'silent' },
  });
}

const require = createRequire(import.meta.url);
copyFileSync(join(web, 'page.css'), join(out, 'page.css'));
copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), join(out, 'uplot.css'));
copyFileSync(join(web, 'playground.html'), join(out, 'playground.html'));
console.log(`build-web: ${entries.map((e) => `${e.name}.js`).join(', ')}, page.css, uplot.css, playground.html -> dist/web/`);
