/**
 * binimg conversion throughput (MB/s of input) on a generated 64 MiB sample:
 * byteplot at the default zlib level 1 and uncompressed (level 0), and entropy;
 * plus zlib level 1 alone on one thread: with the stored rate (the rest of the
 * path) it gives the most level 1 can stream on this machine's cores.
 */
import { availableParallelism } from 'node:os';
import { measureConversionThroughput, measureDeflateThroughput } from '../../src/apps/malware/throughput.js';
import { report } from './phase-output.js';

const byteplot = await measureConversionThroughput({ mode: 'byteplot' });
const stored = await measureConversionThroughput({ mode: 'byteplot', compressionLevel: 0 });
const entropy = await measureConversionThroughput({ mode: 'entropy' });
const deflateOneThreadMBps = measureDeflateThroughput(1);
report({
  phase: 'binimg-throughput', bytes: byteplot.bytes,
  byteplotMBps: byteplot.megabytesPerSecond, byteplotStoredMBps: stored.megabytesPerSecond, entropyMBps: entropy.megabytesPerSecond,
  deflateOneThreadMBps, threads: availableParallelism(),
});
