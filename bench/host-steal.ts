/**
 * CPU time that the hypervisor gave to other guests while a phase ran: the
 * "steal" column of /proc/stat. On a shared virtual machine it is one reason
 * why the same build's epochs differ from run to run, so the bench prints it
 * next to its figures: a run that lost 10% of its CPU time is not a slower build.
 * It does not see every disturbance (a neighbour's use of the shared L3 cache or
 * memory bandwidth slows the kernels without stealing time).
 * Linux only; elsewhere the readings are null and the bench says so.
 */
import { readFileSync } from 'node:fs';

export interface CpuTicks {
  steal: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal [guest guest_nice], in ticks. */
export function parseCpuTicks(procStat: string): CpuTicks | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((v) => !Number.isFinite(v) || v < 0)) return null;
  // guest and guest_nice are left out: the kernel already counts them in user and nice.
  return { steal: fields[7], total: fields.reduce((sum, v) => sum + v, 0) };
}

export function readCpuTicks(): CpuTicks | null {
  try {
    return parseCpuTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** The share (%) of all CPUs' time between two readings that went to steal; null without both readings or without elapsed ticks. */
export function stealPercent(before: CpuTicks | null, after: CpuTicks | null): number | null {
  if (!before || !after) return null;
  const total = after.total - before.total;
  if (!(total > 0)) return null;
  return (100 * (after.steal - before.steal)) / total;
}
