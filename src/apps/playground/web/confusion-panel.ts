/**
 * Errors: the confusion matrix on the test set (rows true class, columns
 * predicted). Off-diagonal cells are tinted by their count, so the
 * confusions that matter stand out; clicking a cell shows its test images
 * with the model's probabilities.
 */
import { el, messageOf, paintPlane, percent } from './dom.js';
import type { ConfusionView, ModelSource } from './model-source.js';

export interface ConfusionPanel { element: HTMLElement; load(inputShape: readonly number[]): Promise<void> }

export function confusionPanel(source: ModelSource): ConfusionPanel {
  const matrixBox = el('div', { className: 'confusion-box' });
  const examples = el('div', { className: 'examples' });
  const element = el('div', { className: 'confusion-grid' }, matrixBox, examples);
  let inputShape: readonly number[] = [28, 28, 1];

  function render(view: ConfusionView | null): void {
    matrixBox.replaceChildren();
    if (!view) {
      matrixBox.append(el('p', { className: 'muted', text: 'No confusion matrix yet: it appears when a training run ends (or at once for a --model-file model).' }));
      return;
    }
    const { labels, matrix } = view;
    const total = matrix.flat().reduce((a, b) => a + b, 0);
    const correct = matrix.reduce((a, row, i) => a + (row[i] ?? 0), 0);
    const offMax = Math.max(1, ...matrix.flatMap((row, i) => row.filter((_, j) => j !== i)));
    const table = el('table', { testid: 'confusion-matrix', className: 'confusion' });
    table.append(el('tr', {}, el('th', { className: 'corner', text: 'true \\ predicted' }), ...labels.map((l) => el('th', { text: l }))));
    matrix.forEach((row, i) => {
      const tr = el('tr', {}, el('th', { text: labels[i] }));
      row.forEach((count, j) => {
        const td = el('td', { text: String(count), 'data-actual': i, 'data-predicted': j, title: `true ${labels[i]}, predicted ${labels[j]}: ${count}` });
        if (i === j) td.className = 'diag';
        else if (count > 0) {
          td.className = 'off';
          td.style.background = `rgba(220, 38, 38, ${(0.12 + 0.78 * (count / offMax)).toFixed(3)})`;
          if (count / offMax > 0.5) td.style.color = '#fff';
        }
        if (count > 0) td.addEventListener('click', () => void showExamples(view, i, j, td));
        tr.append(td);
      });
      table.append(tr);
    });
    matrixBox.append(table, el('p', { className: 'muted small', text: `${correct} of ${total} test images right (${percent(total ? correct / total : 0, 2)}). Click a cell to see its images.` }));
  }

  async function showExamples(view: ConfusionView, actual: number, predicted: number, td: HTMLElement): Promise<void> {
    for (const cell of matrixBox.querySelectorAll('td.selected')) cell.classList.remove('selected');
    td.classList.add('selected');
    examples.replaceChildren(el('p', { className: 'muted', text: 'Loading…' }));
    try {
      const items = await source.confusionExamples(actual, predicted);
      const [h, w, c] = inputShape;
      examples.replaceChildren(el('h3', { text: `True ${view.labels[actual]}, predicted ${view.labels[predicted]} (${items.length} shown)` }));
      const grid = el('div', { className: 'example-grid', testid: 'confusion-examples' });
      for (const item of items) {
        const canvas = el('canvas', { className: 'example' });
        paintPlane(canvas, w, h, (i) => {
          const v = item.pixels[i * c] ?? 0;
          return [v, v, v];
        });
        const ranked = item.probabilities.map((p, k) => ({ p, k })).sort((a, b) => b.p - a.p).slice(0, 3);
        grid.append(el('figure', { className: 'example-card' }, canvas,
          el('figcaption', {}, ...ranked.map(({ p, k }) => el('div', { className: k === actual ? 'truth' : k === predicted ? 'wrong' : '', text: `${view.labels[k] ?? k}: ${percent(p)}` })))));
      }
      examples.append(grid);
    } catch (error) {
      examples.replaceChildren(el('p', { className: 'error', text: messageOf(error) }));
    }
  }

  return {
    element,
    async load(shape) {
      inputShape = shape;
      examples.replaceChildren();
      try {
        render(await source.confusion());
      } catch (error) {
        matrixBox.replaceChildren(el('p', { className: 'error', text: messageOf(error) }));
      }
    },
  };
}
