#!/usr/bin/env node
/**
 * Removes dist/ before tsc compiles: tsc never deletes the output of a source
 * file that was moved or removed, and `node --test dist/test/` would go on
 * running the stale copy of a moved test (against stale copies of moved
 * sources). The native addon lives in build/, not here.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist'), { recursive: true, force: true });
