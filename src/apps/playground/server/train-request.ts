/**
 * POST /api/train's body, checked field by field: a wrong type or value is a
 * 400 that names the field, what it expects and what it received.
 */
import { MODEL_KINDS, type ModelKind } from '../../lab/lab-models.js';
import { HttpError } from './http-error.js';
import type { TrainRequest } from './training-messages.js';

/** Bounds that keep one request from asking for a run nobody meant (a typo of 1e9 epochs). */
const LIMITS = { epochs: 100, batchSize: 4096, trainLimit: 60_000, testLimit: 10_000 };

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

function optionalInteger(body: Record<string, unknown>, key: keyof typeof LIMITS): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LIMITS[key]) {
    throw new HttpError(400, `"${key}" must be an integer from 1 to ${LIMITS[key]}; received ${describe(value)}.`);
  }
  return value;
}

export function parseTrainRequest(body: Record<string, unknown>): TrainRequest {
  const known = new Set(['models', 'epochs', 'batchSize', 'learningRate', 'trainLimit', 'testLimit']);
  const unknown = Object.keys(body).find((key) => !known.has(key));
  if (unknown !== undefined) throw new HttpError(400, `Unknown field ${JSON.stringify(unknown)} in the training request; expected some of ${[...known].join(', ')}.`);
  const models = body.models;
  if (!Array.isArray(models) || models.length === 0 || models.length > MODEL_KINDS.length || !models.every((m) => MODEL_KINDS.includes(m as ModelKind)) || new Set(models).size !== models.length) {
    throw new HttpError(400, `"models" must be a non-empty list of distinct model kinds from ${MODEL_KINDS.map((k) => `"${k}"`).join(', ')}; received ${describe(models)}.`);
  }
  const learningRate = body.learningRate;
  if (learningRate !== undefined && (typeof learningRate !== 'number' || !(learningRate > 0 && learningRate <= 1))) {
    throw new HttpError(400, `"learningRate" must be a number in (0, 1]; received ${describe(learningRate)}.`);
  }
  return {
    models: models as ModelKind[],
    epochs: optionalInteger(body, 'epochs'),
    batchSize: optionalInteger(body, 'batchSize'),
    learningRate: learningRate as number | undefined,
    trainLimit: optionalInteger(body, 'trainLimit'),
    testLimit: optionalInteger(body, 'testLimit'),
  };
}
