/**
 * Draw: a canvas for mouse, pen and touch (pointer events), the input the
 * net sees after MNIST-style preprocessing (../shared/mnist-preprocess.ts),
 * and the class probabilities. A prediction is asked for while the user
 * draws, with at most one request in flight: strokes that arrive meanwhile
 * are sent as one request when the answer comes back, so a slow answer never
 * queues a backlog.
 */
import { mnistInput } from '../shared/mnist-preprocess.js';
import { el, messageOf, paintInput, percent } from './dom.js';
import type { ModelSource, Prediction } from './model-source.js';

/** Canvas side in CSS pixels; the stroke width is a fixed share of it, like a pen on MNIST's 28x28 (about 2 of 28 pixels). */
const CANVAS_SIDE = 280;
const STROKE = 20;

export interface DrawPanel {
  element: HTMLElement;
  setModel(inputShape: readonly number[], classes: number): void;
  /** Predicts the current drawing again (the model changed). */
  refresh(): void;
}

export function drawPanel(source: ModelSource, onPrediction: (p: Prediction, input: Float32Array) => void): DrawPanel {
  let inputShape: readonly number[] = [28, 28, 1];
  let classes = 10;
  let input: Float32Array = new Float32Array(28 * 28);
  let hasInk = false;
  let inFlight = false;
  let pending = false;

  const canvas = el('canvas', { testid: 'draw-canvas', className: 'draw-canvas', width: CANVAS_SIDE, height: CANVAS_SIDE, 'aria-label': 'Draw a digit here' });
  const clear = el('button', { testid: 'draw-clear', className: 'secondary', type: 'button', text: 'Clear' });
  const inputCanvas = el('canvas', { className: 'input-view', width: 28, height: 28 });
  const inputWrap = el('div', { className: 'input-wrap' }, inputCanvas);
  const inputCaption = el('p', { className: 'muted small' });
  const prediction = el('div', { testid: 'prediction', className: 'prediction empty', text: '?' });
  const predictionNote = el('p', { testid: 'prediction-time', className: 'muted small', text: 'Draw a digit: the net answers while you draw.' });
  const bars = el('div', { testid: 'probabilities', className: 'bars' });

  const ctx = canvas.getContext('2d')!;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = STROKE;

  let last: { x: number; y: number } | null = null;
  const point = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * CANVAS_SIDE, y: ((e.clientY - r.top) / r.height) * CANVAS_SIDE };
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = point(e);
    ctx.beginPath();
    ctx.arc(last.x, last.y, STROKE / 2, 0, Math.PI * 2);
    ctx.fillStyle = '#fff';
    ctx.fill();
    changed();
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = point(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    changed();
  });
  const end = () => {
    last = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear.addEventListener('click', () => {
    ctx.clearRect(0, 0, CANVAS_SIDE, CANVAS_SIDE);
    hasInk = false;
    changed();
  });

  function readInput(): Float32Array {
    const [h, w, c] = inputShape;
    const pixels = ctx.getImageData(0, 0, CANVAS_SIDE, CANVAS_SIDE).data;
    const ink = new Float32Array(CANVAS_SIDE * CANVAS_SIDE);
    let any = false;
    for (let i = 0; i < ink.length; i++) {
      ink[i] = pixels[i * 4 + 3] / 255;
      if (ink[i] > 0) any = true;
    }
    hasInk = any;
    // MNIST's 20-in-28 box, scaled to the model's own input side.
    const grey = mnistInput({ ink, width: CANVAS_SIDE, height: CANVAS_SIDE }, { side: h, box: Math.max(1, Math.round((h * 20) / 28)) });
    if (w === h && c === 1) return grey;
    const out = new Float32Array(h * w * c);
    for (let y = 0; y < h; y++) for (let x = 0; x < Math.min(w, h); x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = grey[y * h + x];
    return out;
  }

  function changed(): void {
    input = readInput();
    paintInput(inputCanvas, input, inputShape);
    if (!hasInk) {
      prediction.textContent = '?';
      prediction.classList.add('empty');
      predictionNote.textContent = 'Draw a digit: the net answers while you draw.';
      renderBars(null);
    }
    request();
  }

  function request(): void {
    if (!hasInk) return;
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    pending = false;
    const sent = input;
    const asked = performance.now();
    source.predict(sent).then(
      (p) => {
        inFlight = false;
        // The whole wait as the user feels it (request, model, activations, decoding), beside the model's own time.
        const roundTrip = performance.now() - asked;
        if (hasInk) {
          predictionNote.dataset.modelMs = p.elapsedMs.toFixed(2);
          predictionNote.dataset.roundTripMs = roundTrip.toFixed(2);
          prediction.textContent = String(p.predicted);
          prediction.classList.remove('empty');
          predictionNote.textContent = `${percent(p.probabilities[p.predicted] ?? 0)} sure · model ${p.elapsedMs.toFixed(1)} ms · answered in ${roundTrip.toFixed(1)} ms`;
          renderBars(p.probabilities);
          onPrediction(p, sent);
        }
        if (pending) request();
      },
      (error: unknown) => {
        inFlight = false;
        predictionNote.textContent = `Prediction failed: ${messageOf(error)}`;
        if (pending) request();
      },
    );
  }

  function renderBars(probabilities: number[] | null): void {
    bars.replaceChildren();
    const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
    for (let k = 0; k < classes; k++) {
      const p = probabilities?.[k] ?? 0;
      const fill = el('div', { className: 'bar-fill' + (k === best ? ' best' : '') });
      fill.style.width = `${(p * 100).toFixed(1)}%`;
      bars.append(el('div', { className: 'bar-row', 'data-class': k },
        el('span', { className: 'bar-label', text: String(k) }),
        el('div', { className: 'bar-track' }, fill),
        el('span', { className: 'bar-value', text: probabilities ? percent(p) : '' })));
    }
  }

  renderBars(null);
  paintInput(inputCanvas, input, inputShape);

  const element = el('div', { className: 'draw-grid' },
    el('div', { className: 'draw-col' }, el('h3', { text: 'Draw' }), canvas, el('div', { className: 'row' }, clear, el('span', { className: 'muted small', text: 'Mouse, pen or finger' }))),
    el('div', { className: 'draw-col' }, el('h3', { text: 'What the net sees' }), inputWrap, inputCaption),
    el('div', { className: 'draw-col grow' }, el('h3', { text: 'Prediction' }), el('div', { className: 'prediction-row' }, prediction, predictionNote), bars),
  );

  return {
    element,
    setModel(shape, nClasses) {
      const changedShape = shape.join() !== inputShape.join();
      const changedClasses = nClasses !== classes;
      inputShape = shape;
      classes = nClasses;
      inputCaption.textContent = `${shape[0]}×${shape[1]}×${shape[2]} input: the ink's box fitted into ${Math.round((shape[0] * 20) / 28)} pixels and centred by its centre of mass, as MNIST was made.`;
      // New weights of the same model (an epoch ended) keep the bars until the next answer replaces them.
      if (changedShape) changed();
      else if (changedClasses) renderBars(null);
    },
    refresh() {
      request();
    },
  };
}
