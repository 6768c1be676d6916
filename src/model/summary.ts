/**
 * Keras 3 style model summary, plus a details mode that prints what no peer
 * prints together: each layer's parameter formula, forward FLOPs per sample,
 * and receptive field.
 */
import { formatShape } from '../core/tensor.js';
import type { Sequential } from './sequential.js';
import { receptiveFields } from './receptive-field.js';
import { formatPlan } from './plan/format-plan.js';

export interface SummaryOptions {
  /** Add formula, FLOPs and receptive-field columns. */
  details?: boolean;
  /** Add the execution plan: which layers run fused, in which kernels, and why the others do not. */
  plan?: boolean;
  /** Where to print (default console.log). */
  print?: (text: string) => void;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Bytes as Keras prints them: 879.04 KB (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

export function formatFlops(flops: number): string {
  if (flops >= 1e9) return `${(flops / 1e9).toFixed(2)} G`;
  if (flops >= 1e6) return `${(flops / 1e6).toFixed(2)} M`;
  if (flops >= 1e3) return `${(flops / 1e3).toFixed(1)} K`;
  return String(flops);
}

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

function row(cells: string[], columns: Column[], edge: [string, string, string]): string {
  const parts = cells.map((cell, i) => {
    const { width, align } = columns[i];
    const text = cell.length > width ? `${cell.slice(0, width - 1)}…` : cell;
    return ` ${align === 'left' ? text.padEnd(width) : text.padStart(width)} `;
  });
  return `${edge[0]}${parts.join(edge[1])}${edge[2]}`;
}

function rule(columns: Column[], [left, fill, mid, right]: [string, string, string, string]): string {
  return left + columns.map((c) => fill.repeat(c.width + 2)).join(mid) + right;
}

export function formatSummary(model: Sequential, options: SummaryOptions = {}): string {
  const layers = model.layers;
  const inputShape = model.inputShape;
  const fields = receptiveFields(layers, inputShape[0]);
  const body = layers.map((layer, i) => {
    const cells = [`${layer.name} (${layer.className})`, formatShape(layer.outputShape), formatCount(layer.paramCount())];
    if (options.details) {
      const d = layer.details();
      const f = fields[i];
      const field = f.global ? `all ${inputShape[0]}x${inputShape[1] ?? 1}` : `${f.size}x${f.size} (jump ${f.jump})`;
      cells.push(d.formula, formatFlops(d.flops), field);
    }
    return cells;
  });
  const titles = ['Layer (type)', 'Output Shape', 'Param #'];
  if (options.details) titles.push('Param formula', 'FLOPs', 'Receptive field');
  const columns: Column[] = titles.map((title, i) => ({
    title,
    width: Math.max(title.length, ...body.map((cells) => cells[i].length), i === 0 ? 31 : i === 1 ? 22 : 13),
    align: i === 2 || i === 4 ? 'right' : 'left',
  }));

  const lines = [`Model: "${model.name}"`];
  lines.push(rule(columns, ['┏', '━', '┳', '┓']));
  lines.push(row(titles, columns, ['┃', '┃', '┃']));
  lines.push(rule(columns, ['┡', '━', '╇', '┩']));
  body.forEach((cells, i) => {
    lines.push(row(cells, columns, ['│', '│', '│']));
    if (i < body.length - 1) lines.push(rule(columns, ['├', '─', '┼', '┤']));
  });
  lines.push(rule(columns, ['└', '─', '┴', '┘']));

  const weights = model.weights();
  const bytesPer = model.dtype === 'float64' ? 8 : 4;
  const total = weights.reduce((s, w) => s + w.value.length, 0);
  const trainable = weights.filter((w) => w.trainable).reduce((s, w) => s + w.value.length, 0);
  lines.push(` Total params: ${formatCount(total)} (${formatBytes(total * bytesPer)})`);
  lines.push(` Trainable params: ${formatCount(trainable)} (${formatBytes(trainable * bytesPer)})`);
  lines.push(` Non-trainable params: ${formatCount(total - trainable)} (${formatBytes((total - trainable) * bytesPer)})`);
  if (options.details) {
    const flops = layers.reduce((s, l) => s + l.details().flops, 0);
    lines.push(` Forward FLOPs per sample: ${formatFlops(flops)} (a multiply-add counts 2; training costs about 3x forward)`);
    lines.push(' Receptive field: the square of input pixels one unit depends on; jump: input pixels between neighbouring units.');
  }
  if (options.plan) lines.push('', formatPlan(model.plan, model.backend.description, model.loss));
  return lines.join('\n');
}
