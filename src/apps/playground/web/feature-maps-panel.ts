/**
 * Feature maps: every layer with a 3-D output (conv, pool, ...), one small
 * map per channel, repainted on each prediction. Clicking a unit asks the
 * draw panel to outline, on the net's input, the pixels that unit is
 * computed from (its receptive field, from the model's own figures).
 */
import type { ModelView } from '../../../model/model-view.js';
import { maxAbs, sequentialRgb } from '../shared/colour-maps.js';
import { clipRect, unitInputRect, type InputRect } from '../shared/receptive-field-outline.js';
import { el, paintInput, paintPlane } from './dom.js';
import type { Prediction } from './model-source.js';

/** Channels drawn per layer: a wide layer of any model stays one readable block. */
const MAX_MAPS = 64;
/** CSS side of the input view the receptive field is outlined on. */
const INPUT_VIEW_SIDE = 168;

export interface FeatureMapsPanel {
  element: HTMLElement;
  setModel(view: ModelView): void;
  show(prediction: Prediction, input: Float32Array): void;
}

/**
 * The maps sit beside a copy of the net's input that stays in view while the
 * maps scroll, so a clicked unit's field is outlined next to the unit.
 */
export function featureMapsPanel(): FeatureMapsPanel {
  let view: ModelView | null = null;
  const inputCanvas = el('canvas', { className: 'input-view small-view' });
  inputCanvas.style.width = inputCanvas.style.height = `${INPUT_VIEW_SIDE}px`;
  const outline = el('div', { testid: 'receptive-field', className: 'field-outline', hidden: true });
  const outlineLabel = el('p', { className: 'field-label muted small', text: 'Click a unit in any map.' });
  const list = el('div', { className: 'map-list' }, el('p', { className: 'muted', text: 'Draw a digit to see what each layer sees.' }));
  const element = el('div', { className: 'feature-maps' },
    el('div', { className: 'field-side' }, el('h3', { text: 'Input and receptive field' }), el('div', { className: 'input-wrap small-wrap' }, inputCanvas, outline), outlineLabel),
    list);

  function showField(rect: InputRect | null, label: string): void {
    if (!rect || !view) {
      outline.hidden = true;
      outlineLabel.textContent = label;
      return;
    }
    const [h, w] = view.inputShape;
    const box = clipRect(rect, h, w, INPUT_VIEW_SIDE / Math.max(h, w));
    outline.hidden = false;
    outline.style.left = `${box.x}px`;
    outline.style.top = `${box.y}px`;
    outline.style.width = `${box.width}px`;
    outline.style.height = `${box.height}px`;
    outline.dataset.size = String(rect.size);
    outline.dataset.top = String(rect.top);
    outline.dataset.left = String(rect.left);
    outlineLabel.textContent = label;
  }
  const blocks = new Map<string, { maps: HTMLCanvasElement[]; marker: HTMLElement | null }>();
  let structure = '';

  function build(prediction: Prediction): void {
    list.replaceChildren();
    blocks.clear();
    if (prediction.activations.length === 0) {
      list.append(el('p', { className: 'muted', text: 'This model has no layer with feature maps (no conv or pool layer): each of its units sees the whole input.' }));
    }
    for (const act of prediction.activations) {
      const [h, w, c] = act.shape;
      const layer = view?.layers.find((l) => l.name === act.layer);
      const field = layer?.receptiveField.size;
      const shown = Math.min(c, MAX_MAPS);
      // Small maps are drawn larger so a unit stays a comfortable click target.
      const cell = Math.max(2, Math.min(8, Math.floor(48 / Math.max(h, w))));
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
      list.append(el('div', { testid: `feature-map-${act.layer}`, className: 'map-block', 'data-layer': act.layer }, title, grid));
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
    showField(rect, rect ? `${layerName} unit (${row}, ${col}) of map ${channel} sees ${rect.size}×${rect.size} input pixels from (${rect.top}, ${rect.left}).` : '');
  }

  return {
    element,
    setModel(v) {
      view = v;
      structure = '';
    },
    show(prediction, input) {
      if (view) paintInput(inputCanvas, input, view.inputShape);
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
