/** Small DOM helpers: the page builds its elements in code, no framework. */
type Attrs = Record<string, string | number | boolean | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.dataset.testid = String(value);
    else node.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

/** A titled card: the page's sections. */
export function section(id: string, title: string, subtitle = ''): { root: HTMLElement; body: HTMLElement } {
  const body = el('div', { className: 'card-body' });
  const root = el('section', { className: 'card', id }, el('header', {}, el('h2', { text: title }), subtitle ? el('p', { className: 'sub', text: subtitle }) : ''), body);
  return { root, body };
}

/** Paints an h x w plane of RGB colours onto `canvas` at one canvas pixel per cell (CSS scales it, pixelated). */
export function paintPlane(canvas: HTMLCanvasElement, w: number, h: number, colour: (i: number) => readonly [number, number, number]): void {
  // Setting a canvas's size clears and reallocates it, even to the same size: only when it changes (maps repaint on every answer).
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = colour(i);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Paints an [h, w, c] input in [0, 1] (its first channel) as grey. */
export function paintInput(canvas: HTMLCanvasElement, input: Float32Array, shape: readonly number[]): void {
  const [h, w, c] = shape;
  paintPlane(canvas, w, h, (i) => {
    const v = Math.round((input[i * c] ?? 0) * 255);
    return [v, v, v];
  });
}
