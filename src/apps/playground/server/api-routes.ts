/**
 * The playground's routes: one table from method and exact path to handler.
 * The path is the request's raw path (before '?'), compared as a whole: no
 * decoding, no normalising, so `/%2e%2e/` or `/dist/web/../../x` match
 * nothing and get a 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bytesBase64 } from './base64.js';
import type { CurrentModel } from './current-model.js';
import { HttpError } from './http-error.js';
import { COMMON_HEADERS, sendJson } from './json-response.js';
import { answerMalware, type MalwareModel } from './malware-answer.js';
import { pageHtml } from './page-shell.js';
import { drawingPixels, predictDrawing } from './predict-drawing.js';
import { readBody, readJsonObject } from './read-body.js';
import type { SseHub } from './sse-hub.js';
import { readStaticFile } from './static-files.js';
import { cellKey, type ConfusionExample, type ConfusionView } from './test-set-confusion.js';
import { parseTrainRequest } from './train-request.js';
import type { TrainingJob } from './training-job.js';

export interface RouteContext {
  token: string;
  current: CurrentModel;
  job: TrainingJob;
  hub: SseHub;
  malware: MalwareModel | undefined;
  /** The confusion of the current model: the model file's (computed once, on first ask) or the last job's. */
  confusion(): Promise<{ view: ConfusionView; examples: Map<string, ConfusionExample[]> } | null>;
  jsonBodyLimit: number;
  malwareBodyLimit: number;
  webDir?: string;
}

export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
}

type Handler = (request: Request, context: RouteContext) => Promise<void>;

function classIndex(query: URLSearchParams, key: string, classes: number): number {
  const raw = query.get(key);
  const value = Number(raw);
  if (raw === null || raw === '' || !Number.isInteger(value) || value < 0 || value >= classes) {
    throw new HttpError(400, `Query parameter "${key}" must be a class index from 0 to ${classes - 1}; received ${raw === null ? 'none' : JSON.stringify(raw)}.`);
  }
  return value;
}

const ROUTES: ReadonlyMap<string, Partial<Record<string, Handler>>> = new Map<string, Partial<Record<string, Handler>>>([
  ['/', {
    GET: async ({ res }, context) => {
      const html = await pageHtml(context.token, context.webDir);
      res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
      res.end(html);
    },
  }],
  ['/api/model', { GET: async ({ res }, { current }) => sendJson(res, 200, current.info()) }],
  ['/api/predict', {
    POST: async ({ req, res }, { current, jsonBodyLimit }) => {
      const body = await readJsonObject(req, jsonBodyLimit);
      sendJson(res, 200, predictDrawing(current.model, drawingPixels(body, current.model)));
    },
  }],
  ['/api/train', {
    POST: async ({ req, res }, { job, jsonBodyLimit }) => {
      const request = parseTrainRequest(await readJsonObject(req, jsonBodyLimit));
      sendJson(res, 202, { job: job.start(request) });
    },
  }],
  ['/api/stop', {
    POST: async ({ req, res }, { job }) => {
      await readBody(req, 1024);
      sendJson(res, 200, { stopped: job.stop() });
    },
  }],
  ['/api/events', { GET: async ({ req, res }, { hub, job }) => hub.add(req, res, [job.stateEvent()]) }],
  ['/api/history', { GET: async ({ res }, { job }) => sendJson(res, 200, job.historyPoints()) }],
  ['/api/confusion', { GET: async ({ res }, context) => sendJson(res, 200, (await context.confusion())?.view ?? null) }],
  ['/api/confusion/examples', {
    GET: async ({ res, query }, context) => {
      const confusion = await context.confusion();
      if (!confusion) throw new HttpError(404, 'No confusion matrix yet: it exists once a training job has ended, or for --model-file.');
      const classes = confusion.view.labels.length;
      const examples = confusion.examples.get(cellKey(classIndex(query, 'actual', classes), classIndex(query, 'predicted', classes))) ?? [];
      sendJson(res, 200, examples.map((e) => ({ index: e.index, pixels: bytesBase64(e.pixels), probabilities: e.probabilities })));
    },
  }],
  ['/api/malware', {
    POST: async ({ req, res }, { malware, malwareBodyLimit }) => {
      if (!malware) throw new HttpError(404, 'No malware model: start the playground with --malware-model m.safetensors.');
      sendJson(res, 200, await answerMalware(malware, await readBody(req, malwareBodyLimit)));
    },
  }],
]);

export async function route(request: Request, path: string, context: RouteContext): Promise<void> {
  const method = request.req.method ?? 'GET';
  const handlers = ROUTES.get(path);
  if (!handlers) {
    const file = request.req.method === 'GET' ? await readStaticFile(path, context.webDir) : null;
    if (!file) throw new HttpError(404, `No such page or API: ${JSON.stringify(path.slice(0, 200))}.`);
    request.res.writeHead(200, { ...COMMON_HEADERS, 'content-type': file.type, 'content-length': file.body.length });
    request.res.end(file.body);
    return;
  }
  const handler = handlers[method];
  if (!handler) {
    request.res.setHeader('allow', Object.keys(handlers).join(', '));
    throw new HttpError(405, `${path} answers ${Object.keys(handlers).join(', ')}; received ${method}.`);
  }
  await handler(request, context);
}
