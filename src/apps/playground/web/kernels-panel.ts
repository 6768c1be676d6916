/**
 * The conv kernels: one tile per filter with the library's signed colour
 * map (red excites on bright input, blue inhibits, white is zero), one scale
 * per layer, and a legend that gives that scale.
 */
import type { ModelView } from '../../../model/model-view.js';
import { divergingRgb } from '../../../core/colour-map.js';
import { maxAbs } from '../shared/colour-maps.js';
import { kernelPlanes } from '../shared/kernel-planes.js';
import { el, paintPlane } from './dom.js';

const MAX_TILES = 64;

export function renderKernels(container: HTMLElement, view: ModelView): void {
  container.replaceChildren();
  if (view.kernels.length === 0) {
    container.append(el('p', { className: 'muted', text: 'This model has no Conv2D layer.' }));
    return;
  }
  for (const kernel of view.kernels) {
    const { kh, kw, averaged, planes } = kernelPlanes(kernel.shape, kernel.data);
    const max = planes.reduce((m, p) => Math.max(m, maxAbs(p)), 0);
    const grid = el('div', { className: 'kernel-grid' });
    const cell = Math.max(6, Math.floor(42 / Math.max(kh, kw)));
    planes.slice(0, MAX_TILES).forEach((plane, f) => {
      const canvas = el('canvas', { className: 'kernel', title: `filter ${f}` });
      canvas.style.width = `${kw * cell}px`;
      canvas.style.height = `${kh * cell}px`;
      paintPlane(canvas, kw, kh, (i) => divergingRgb(plane[i], max));
      grid.append(canvas);
    });
    const [, , cin, cout] = kernel.shape;
    container.append(el('div', { className: 'kernel-block', 'data-layer': kernel.layer },
      el('h3', {}, el('span', { text: kernel.layer }),
        el('span', { className: 'muted small', text: ` ${cout} filters of ${kh}×${kw}×${cin}${averaged ? ', each drawn as its mean over the input channels' : ''}${cout > MAX_TILES ? ` · first ${MAX_TILES}` : ''}` })),
      el('div', { className: 'kernel-row' }, grid, legend(max))));
  }
}

function legend(max: number): HTMLElement {
  const bar = el('canvas', { className: 'legend-bar' });
  paintPlane(bar, 64, 1, (i) => divergingRgb(((i / 63) * 2 - 1) * max, max));
  const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1));
  return el('div', { className: 'legend' }, bar,
    el('div', { className: 'legend-labels' }, el('span', { text: fmt(-max) }), el('span', { text: '0' }), el('span', { text: `+${fmt(max)}` })),
    el('div', { className: 'legend-labels muted small' }, el('span', { text: 'inhibits' }), el('span', { text: 'excites' })));
}
