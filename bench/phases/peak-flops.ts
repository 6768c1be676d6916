/**
 * Peak FP32 FMA throughput of this machine on the native backend's active ISA
 * path: the denominator of "percentage of peak" in the benchmark table.
 * Args: --threads N (default: the backend's thread count) --ms N (default 500).
 */
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { argument, report } from './phase-output.js';

const loaded = loadNativeBackend();
if ('error' in loaded) {
  console.error(loaded.error);
  process.exit(1);
}
const backend = loaded.backend;
const threads = Number(argument('threads', String(backend.threads)));
const milliseconds = Number(argument('ms', '500'));
const gflops = backend.measurePeakGflops(threads, milliseconds);
report({ phase: 'peak-flops', gflops, isa: backend.isa, threads });
