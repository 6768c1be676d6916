#!/usr/bin/env node
/**
 * `npm run fuzz -- [options]`: seeded mutation fuzzers over every parser and
 * the native boundary (see ./targets/index.ts), counts per target, a
 * reproducer for each failure under fuzz-failures/, exit code 1 on any failure.
 */
import { formatCounts, REPRODUCERS_PER_SIGNATURE, runFuzz } from './fuzz-pool.js';
import { parseFuzzArgs } from './options.js';

const options = parseFuzzArgs(process.argv.slice(2));
console.log(`fuzz: seed ${options.seed}, ${options.count} inputs per target, at most ${options.seconds} s, ${options.jobs} workers${options.mild ? ', mild' : ''}${process.env.CONVKIT_ISA ? `, CONVKIT_ISA=${process.env.CONVKIT_ISA}` : ''}`);
const result = await runFuzz(options);
console.log(formatCounts(result));
if (result.failures.length > 0) {
  console.log(`${result.failures.length} failure(s); reproducers (the first ${REPRODUCERS_PER_SIGNATURE} of each signature of failure) under ${options.failuresDir}/`);
  process.exitCode = 1;
}
// A run that tested less than it was asked to is not a pass where completeness is required (test:sanitize).
const short = result.counts.filter((c) => c.unavailable || (options.only === undefined && c.inputs < options.count));
if (options.requireComplete && short.length > 0) {
  console.log(`incomplete: ${short.map((c) => `${c.target} ran ${c.inputs} of ${options.count}${c.unavailable ? ` (${c.unavailable})` : ''}`).join('; ')}`);
  process.exitCode = 1;
}
