/**
 * binimg conversion throughput (MB/s of input) on a generated 64 MiB sample:
 * byteplot at the default zlib level 1 and uncompressed (level 0), and entropy.
 */
import { measureConversionThroughput } from '../../src/malware/throughput.js';
import { report } from './phase-output.js';

const byteplot = await measureConversionThroughput({ mode: 'byteplot' });
const stored = await measureConversionThroughput({ mode: 'byteplot', compressionLevel: 0 });
const entropy = await measureConversionThroughput({ mode: 'entropy' });
report({
  phase: 'binimg-throughput', bytes: byteplot.bytes,
  byteplotMBps: byteplot.megabytesPerSecond, byteplotStoredMBps: stored.megabytesPerSecond, entropyMBps: entropy.megabytesPerSecond,
});
