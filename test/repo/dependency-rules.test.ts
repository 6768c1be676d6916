/**
 * The import rules of `npm run check:deps` (.dependency-cruiser.cjs) fail
 * when they should: a deliberately bad tree, written to a temporary folder,
 * breaks each rule once, and the tree's allowed imports (a type-only cycle,
 * downward imports) pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Writes `files` (path -> source) under a fresh folder with a NodeNext tsconfig, and returns the folder. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-deps-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  return dir;
}

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The exit status of the command `npm run check:deps` runs, and the violations from its JSON report (which always exits 0). */
function check(dir: string): { status: number | null; violations: Violation[] } {
  const args = [depcruise, '--config', join(root, '.dependency-cruiser.cjs')];
  const plain = spawnSync(process.execPath, [...args, 'src', 'bench'], { cwd: dir, encoding: 'utf8' });
  const json = spawnSync(process.execPath, [...args, '--output-type', 'json', 'src', 'bench'], { cwd: dir, encoding: 'utf8' });
  assert.ok(json.stdout.startsWith('{'), `depcruise gave no JSON report: ${json.stderr}`);
  return { status: plain.status, violations: (JSON.parse(json.stdout) as { summary: { violations: Violation[] } }).summary.violations };
}

const ok = 'export const value = 1;\n';

/** One line per broken rule; a cycle is reported once, from whichever of its modules comes first, so it is named by its sorted ends. */
function described(violations: Violation[]): string[] {
  const lines = violations.map((v) => (v.rule.name === 'no-circular' ? `no-circular: ${[v.from, v.to].sort().join(' <-> ')}` : `${v.rule.name}: ${v.from} -> ${v.to}`));
  return [...new Set(lines)].sort();
}

test('each tier rule and a runtime cycle fail check:deps, naming the rule and the import', () => {
  const dir = tree({
    'src/core/cycle-a.ts': "import { b } from './cycle-b.js';\nexport const a = () => b;\n",
    'src/core/cycle-b.ts': "import { a } from './cycle-a.js';\nexport const b = () => a;\n",
    'src/model/uses-app.ts': "import type { value } from '../apps/lab/recipe.js';\nexport type Value = typeof value;\n",
    'src/apps/lab/recipe.ts': ok,
    'src/apps/lab/uses-cli.ts': "import { value } from '../../cli/options.js';\nexport const v = value;\n",
    'src/cli/options.ts': ok,
    'src/apps/image/uses-malware.ts': "import { value } from '../malware/sample.js';\nexport const v = value;\n",
    'src/apps/malware/sample.ts': ok,
    'src/cli/uses-bench.ts': "import { value } from '../../bench/phase.js';\nexport const v = value;\n",
    'bench/phase.ts': ok,
    'src/layers/reads-files.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  });
  const { status, violations } = check(dir);
  assert.notEqual(status, 0);
  assert.deepEqual(described(violations), [
    'apps-import-no-cli: src/apps/lab/uses-cli.ts -> src/cli/options.ts',
    // The layers are bundled into web pages (src/browser.ts).
    'browser-core-imports-no-node: src/layers/reads-files.ts -> fs',
    'cli-imports-no-bench: src/cli/uses-bench.ts -> bench/phase.ts',
    'image-helpers-import-no-app: src/apps/image/uses-malware.ts -> src/apps/malware/sample.ts',
    // A type-only import counts for the tiers.
    'library-imports-no-app: src/model/uses-app.ts -> src/apps/lab/recipe.ts',
    'no-circular: src/core/cycle-a.ts <-> src/core/cycle-b.ts',
  ]);
});

test('downward imports and a type-only cycle pass', () => {
  const dir = tree({
    'src/core/tensor.ts': ok,
    'src/layers/layer.ts': "import type { Model } from './model-ref.js';\nimport { value } from '../core/tensor.js';\nexport const layer = (m: Model) => [m, value];\n",
    'src/layers/model-ref.ts': "import { layer } from './layer.js';\nexport interface Model { layers: typeof layer[] }\n",
    'src/model/sequential.ts': "export class Sequential {}\n",
    'src/io/model-file.ts': "import { Sequential } from '../model/sequential.js';\nexport const saveModel = (m: Sequential) => m;\n",
    'src/apps/image/png.ts': "import { value } from '../../core/tensor.js';\nexport const v = value;\n",
    'src/apps/malware/binimg.ts': "import { v } from '../image/png.js';\nimport { Sequential } from '../../model/sequential.js';\nexport const w = [v, Sequential];\n",
    'src/cli/main.ts': "import { w } from '../apps/malware/binimg.js';\nexport const x = w;\n",
    'bench/bench.ts': "import { x } from '../src/cli/main.js';\nexport const y = x;\n",
    // Node's types may be named where the browser bundle goes (tsc erases them); files and the CLI tiers may import Node.
    'src/backend/native/load.ts': "import type * as Fs from 'node:fs';\nexport type Reader = typeof Fs.readFileSync;\n",
    'src/io/save.ts': "import { writeFileSync } from 'node:fs';\nexport const save = writeFileSync;\n",
  });
  const { status, violations } = check(dir);
  assert.deepEqual(violations, []);
  assert.equal(status, 0);
});

test('model reaching for io fails twice: an upward import inside the library, and the cycle it closes', () => {
  const dir = tree({
    'src/model/sequential.ts': "import { saveModel } from '../io/model-file.js';\nexport class Sequential { save() { return saveModel(this); } }\n",
    'src/io/model-file.ts': "import { Sequential } from '../model/sequential.js';\nexport const saveModel = (m: Sequential) => m instanceof Sequential;\n",
    'bench/bench.ts': ok,
  });
  const { status, violations } = check(dir);
  assert.notEqual(status, 0);
  assert.deepEqual(described(violations), [
    'model-imports-no-io: src/model/sequential.ts -> src/io/model-file.ts',
    'no-circular: src/io/model-file.ts <-> src/model/sequential.ts',
  ]);
});
