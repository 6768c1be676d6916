/**
 * Runs every compiled *.test.js under dist/test with node's test runner, one
 * file at a time. Node 20 given a folder runs every .js file in it, fixtures
 * included (which then count as passing tests); listing the test files keeps
 * the count honest. Extra arguments (e.g. a sub-folder such as
 * dist/test/io) narrow the search.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['dist/test']).flatMap((root) => (statSync(root).isDirectory() ? testFiles(root) : [root]));
if (files.length === 0) {
  console.error(`run-tests: no *.test.js files under ${roots.join(', ') || 'dist/test'}; run npm run build first.`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
