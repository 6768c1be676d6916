/**
 * The ModelSource of `convkit playground`: its HTTP API (issue 15's contract,
 * section 3). Every request carries the page's token (read from the page's
 * own URL), as the server refuses any request without it.
 */
import type { ModelView } from '../../../model/model-view.js';
import { ConvkitError } from '../../../core/errors.js';
import type {
  Comparison, ConfusionExample, ConfusionView, EpochEnd, HistoryPoint, JobState, MalwareResult, ModelSource, Prediction,
  TrainingControl, TrainingEvent, TrainingProgress, TrainRequest,
} from './model-source.js';

export function serverSource(token: string, base = ''): ModelSource {
  const url = (path: string, query: Record<string, string | number> = {}): string => {
    const params = new URLSearchParams({ token });
    for (const [k, v] of Object.entries(query)) params.set(k, String(v));
    return `${base}${path}?${params.toString()}`;
  };
  const call = async <T>(path: string, init?: RequestInit, query?: Record<string, string | number>): Promise<T> => {
    const response = await fetch(url(path, query), init);
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      throw new ConvkitError(`${path}: expected JSON from the server; received ${response.status} "${text.slice(0, 80)}".`);
    }
    if (!response.ok) {
      const message = body !== null && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : text;
      throw new ConvkitError(`${path}: ${response.status} ${message}`);
    }
    return body as T;
  };
  const postJson = <T>(path: string, value: unknown): Promise<T> =>
    call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

  const training: TrainingControl = {
    async start(request: TrainRequest) {
      await postJson('/api/train', request);
    },
    async stop() {
      await call('/api/stop', { method: 'POST' });
    },
    subscribe(onEvent) {
      return subscribeEvents(url('/api/events'), onEvent);
    },
  };

  return {
    kind: 'server',
    info: () => call<ModelView & { title: string; trained: boolean }>('/api/model'),
    async predict(pixels: Float32Array): Promise<Prediction> {
      const raw = await postJson<{ probabilities: number[]; predicted: number; elapsedMs: number; activations: Array<{ layer: string; shape: number[]; base64: string }> }>(
        '/api/predict', { pixels: Array.from(pixels) });
      return {
        probabilities: raw.probabilities,
        predicted: raw.predicted,
        elapsedMs: raw.elapsedMs,
        activations: raw.activations.map(({ layer, shape, base64 }) => ({ layer, shape, data: float32FromBase64(base64) })),
      };
    },
    confusion: () => call<ConfusionView | null>('/api/confusion'),
    async confusionExamples(actual: number, predicted: number): Promise<ConfusionExample[]> {
      const raw = await call<Array<{ index: number; pixels: string; probabilities: number[] }>>('/api/confusion/examples', undefined, { actual, predicted });
      return raw.map(({ index, pixels, probabilities }) => ({ index, pixels: bytesFromBase64(pixels), probabilities }));
    },
    history: () => call<HistoryPoint[]>('/api/history'),
    training,
    async classifyMalware(bytes: ArrayBuffer): Promise<MalwareResult> {
      const raw = await call<{ byteplot: { width: number; height: number; base64: string }; top: MalwareResult['top'] }>(
        '/api/malware', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      return { byteplot: { width: raw.byteplot.width, height: raw.byteplot.height, pixels: bytesFromBase64(raw.byteplot.base64) }, top: raw.top };
    },
  };
}

/** The SSE stream of the training job. EventSource reconnects by itself after a drop; each reconnect starts with a fresh `state`. */
function subscribeEvents(eventsUrl: string, onEvent: (event: TrainingEvent) => void): () => void {
  const source = new EventSource(eventsUrl);
  const on = <T>(name: string, wrap: (data: T) => TrainingEvent) => {
    source.addEventListener(name, (e) => {
      // The stream's own 'error' (a dropped connection) is a plain Event; the server's `event: error` is a MessageEvent.
      if (!(e instanceof MessageEvent)) return;
      let data: T;
      try {
        data = JSON.parse(e.data as string) as T;
      } catch {
        return;
      }
      onEvent(wrap(data));
    });
  };
  on<JobState>('state', (state) => ({ type: 'state', state }));
  on<TrainingProgress>('progress', (progress) => ({ type: 'progress', progress }));
  on<EpochEnd>('epoch', (epoch) => ({ type: 'epoch', epoch }));
  on<{ comparison: Comparison }>('done', (d) => ({ type: 'done', comparison: d.comparison }));
  on<unknown>('stopped', () => ({ type: 'stopped' }));
  on<{ message?: string; error?: string }>('error', (d) => ({ type: 'error', message: d.message ?? d.error ?? 'training failed' }));
  source.addEventListener('error', (e) => {
    if (!(e instanceof MessageEvent)) onEvent({ type: 'disconnected' });
  });
  return () => source.close();
}

function bytesFromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Little-endian Float32 (the server writes it so); every browser's typed arrays are little-endian on the hardware they run on. */
function float32FromBase64(base64: string): Float32Array {
  const bytes = bytesFromBase64(base64);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
