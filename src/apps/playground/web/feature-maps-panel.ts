/**
 * Feature maps: every layer with a 3-D output (conv, pool, ...), one small
 * map per channel, repainted on each prediction. Clicking a unit asks the
 * draw panel to outline, on the net's input, the pixels that unit is
 * computed from (its receptive field, from the model's own figures).
 */
import type { ModelView } from '../../../model/model-view.js';
import { maxAbs, sequentialRgb } from '../shared/colour-maps.js';
import { unitInputRect, type InputRect } from '../shared/receptive-field-outline.js';
import { el, paintPlane } from './dom.js';
import type { Prediction } from './model-source.js';

/** Channels drawn per layer: a wide layer of any model stays one readable block. */
const MAX_MAPS = 64;

export interface FeatureMapsPanel {
  element: HTMLElement;
  setModel(view: ModelView): void;
  show(prediction: Prediction): void;
}

export function featureMapsPanel(onUnit: (rect: InputRect | null, label: string) => void): FeatureMapsPanel {
  let view: ModelView | null = null;
  const element = el('div', { className: 'feature-maps' }, el('p', { className: 'muted', text: 'Draw a digit to see what each layer sees.' }));
  const blocks = new Map<string, { maps: HTMLCanvasElement[]; marker: HTMLElement | null }>();
  let structure = '';

  function build(prediction: Prediction): void {
    element.replaceChildren();
    blocks.clear();
    for (const act of prediction.activations) {
      const [h, w, c] = act.shape;
      const layer = view?.layers.find((l) => l.name === act.layer);
      const field = layer?.receptiveField.size;
      const shown = Math.min(c, MAX_MAPS);
      // Small maps are drawn larger so a unit stays a comfortable click target.
      const cell = Math.max(2, Math.min(4, Math.floor(56 / Math.max(h, w))));
      const maps: HTMLCanvasElement[] = [];
      const grid = el('div', { className: 'map-grid' });
      for (let k = 0; k < shown; k++) {
        const canvas = el('canvas', { className: 'map', 'data-channel': k, title: `${act.layer} channel ${k}` });
        canvas.style.width = `${w * cell}px`;
        canvas.style.height = `${h * cell}px`;
        canvas.addEventListener('click', (e) => {
          const r = canvas.getBoundingClientRect();
          const col = Math.min(w - 1, Math.floor(((e.clientX - r.left) / r.width) * w));
          const row = Math.min(h - 1, Math.floor(((e.clientY - r.top) / r.height) * h));
          select(act.layer, k, row, col);
        });
        maps.push(canvas);
        grid.append(canvas);
      }
      const title = el('h3', {},
        el('span', { text: act.layer }),
        el('span', { className: 'muted small', text: ` ${layer?.className ?? ''} · ${h}×${w}×${c}${field ? ` · each unit sees ${field}×${field} input pixels` : ''}${c > shown ? ` · first ${shown} of ${c} maps` : ''}` }));
      element.append(el('div', { testid: `feature-map-${act.layer}`, className: 'map-block', 'data-layer': act.layer }, title, grid));
      blocks.set(act.layer, { maps, marker: null });
    }
  }

  function select(layerName: string, channel: number, row: number, col: number): void {
    const layer = view?.layers.find((l) => l.name === layerName);
    if (!view || !layer) return;
    for (const b of blocks.values()) {
      b.marker?.remove();
      b.marker = null;
    }
    const block = blocks.get(layerName);
    const canvas = block?.maps[channel];
    if (block && canvas) {
      const [h, w] = layer.outputShape;
      const marker = el('div', { className: 'unit-marker' });
      marker.style.left = `${canvas.offsetLeft + (col / w) * canvas.offsetWidth}px`;
      marker.style.top = `${canvas.offsetTop + (row / h) * canvas.offsetHeight}px`;
      marker.style.width = `${canvas.offsetWidth / w}px`;
      marker.style.height = `${canvas.offsetHeight / h}px`;
      canvas.parentElement?.append(marker);
      block.marker = marker;
    }
    const rect = unitInputRect(layer, view.inputShape, row, col);
    onUnit(rect, rect ? `${layerName} unit (${row}, ${col}) of map ${channel} sees ${rect.size}×${rect.size} input pixels from (${rect.top}, ${rect.left}).` : '');
  }

  return {
    element,
    setModel(v) {
      view = v;
      structure = '';
    },
    show(prediction) {
      const next = prediction.activations.map((a) => `${a.layer}:${a.shape.join('x')}`).join();
      if (next !== structure) {
        build(prediction);
        structure = next;
      }
      for (const act of prediction.activations) {
        const block = blocks.get(act.layer);
        if (!block) continue;
        const [h, w, c] = act.shape;
        // One scale per layer, so maps of one layer compare with each other.
        const max = maxAbs(act.data);
        block.maps.forEach((canvas, k) => paintPlane(canvas, w, h, (i) => sequentialRgb(act.data[i * c + k], max)));
      }
    },
  };
}
