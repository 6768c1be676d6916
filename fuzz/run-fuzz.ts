#!/usr/bin/env node
/**
 * `npm run fuzz -- [options]`: seeded mutation fuzzers over every parser and
 * the native boundary (see ./targets/index.ts), counts per target, a
 * reproducer for each failure under fuzz-failures/, exit code 1 on any failure.
 */
import { formatCounts, runFuzz } from './fuzz-pool.js';
import { parseFuzzArgs } from './options.js';

const options = parseFuzzArgs(process.argv.slice(2));
console.log(`fuzz: seed ${options.seed}, ${options.count} inputs per target, at most ${options.seconds} s, ${options.jobs} workers${options.mild ? ', mild' : ''}${process.env.CONVKIT_ISA ? `, CONVKIT_ISA=${process.env.CONVKIT_ISA}` : ''}`);
const result = await runFuzz(options);
console.log(formatCounts(result));
if (result.failures.length > 0) {
  console.log(`${result.failures.length} failure(s); reproducers (the first ${3} of each kind of failure) under ${options.failuresDir}/`);
  process.exitCode = 1;
}
