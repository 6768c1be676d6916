/** binimg conversion throughput (MB/s of input) for byteplot and entropy images of a generated 64 MiB sample. */
import { measureConversionThroughput } from '../../src/malware/throughput.js';
import { report } from './phase-output.js';

const byteplot = await measureConversionThroughput({ mode: 'byteplot' });
const entropy = await measureConversionThroughput({ mode: 'entropy' });
report({ phase: 'binimg-throughput', byteplotMBps: byteplot.megabytesPerSecond, entropyMBps: entropy.megabytesPerSecond, bytes: byteplot.bytes });
