#!/usr/bin/env node
/**
 * Fails (exit 1, naming the loop) when the C sources under native/ include
 * each other in a cycle. A file and its header are one module (conv2d.c and
 * conv2d.h are "conv/conv2d"), so the loop this catches is the one that makes
 * code hard to move: a.c includes b.h while b.c includes a.h. Includes are
 * resolved as the compiler does with binding.gyp's include_dirs: next to the
 * including file first, then from native/. System headers and includes
 * through a macro (isa-copies.h's CK_COPIES_OF) are not followed.
 * Usage: node scripts/check-native-includes.mjs [directory, default native/]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(dirname(fileURLToPath(import.meta.url))), 'native'));

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.[ch]$/.test(name) ? [path] : [];
  });
}

const moduleOf = (path) => relative(root, path).replace(/\.[ch]$/, '');
const edges = new Map();
for (const file of sources(root)) {
  const from = moduleOf(file);
  if (!edges.has(from)) edges.set(from, new Map());
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const match = /^\s*#\s*include\s*"([^"]+)"/.exec(line);
    if (!match) return;
    const target = [join(dirname(file), match[1]), join(root, match[1])].find((p) => existsSync(p));
    if (!target) return;
    const to = moduleOf(target);
    if (to !== from && !edges.get(from).has(to)) edges.get(from).set(to, `${relative(root, file)}:${i + 1}`);
  });
}

/** Depth-first search; returns the first cycle found as a list of modules, or null. */
function findCycle() {
  const state = new Map(); // 1 on the current path, 2 done
  const path = [];
  const visit = (node) => {
    state.set(node, 1);
    path.push(node);
    for (const next of [...(edges.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === 1) return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 2);
    return null;
  };
  for (const node of [...edges.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

const cycle = findCycle();
if (cycle) {
  const steps = cycle.slice(1).map((to, i) => `  ${cycle[i]} -> ${to}   (${edges.get(cycle[i]).get(to)})`);
  console.error(`check-native-includes: include cycle among ${relative(process.cwd(), root) || '.'} files: ${cycle.join(' -> ')}\n${steps.join('\n')}`);
  process.exit(1);
}
console.log(`check-native-includes: no include cycle among ${edges.size} modules in ${relative(process.cwd(), root) || '.'}`);
