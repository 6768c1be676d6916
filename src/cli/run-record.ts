/**
 * The run record `convkit train` writes into each model file it saves
 * (metadata "convkit_cli_run"), so that --resume continues the same run
 * (model kind, recipe, data selection) without retyping options.
 *
 * It comes back from a file, so every field is type-checked on the way in,
 * each with its own message: a null trainLimit or an object for `data` must
 * not travel on to fail far away ("received null", "Cannot convert object to
 * primitive value"). Test: test/cli/run-record.test.ts.
 */
import { MODEL_KINDS, type ModelKind } from '../apps/lab/lab-models.js';
import { SCHEDULE_KINDS, type Recipe } from '../apps/lab/recipes.js';
import { ModelFileError } from '../core/errors.js';
import { parseJsonWithDepthLimit } from '../core/json-depth.js';
import { quoteString, quoteValue } from '../core/quote-value.js';

export const RUN_KEY = 'convkit_cli_run';

/** beta2 is optional: records written before train had --beta2 lack it (the optimizer in the file holds it anyway). */
export interface RunRecord extends Omit<Recipe, 'beta2'> {
  model: ModelKind;
  beta2?: number;
  validationSplit?: number;
  data?: string;
  trainLimit?: number;
}

type Check = [test: (value: unknown) => boolean, expected: string];

const positiveInteger: Check = [(v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0, 'a positive integer'];
const FIELDS: Record<keyof RunRecord, { check: Check; optional?: boolean }> = {
  model: { check: [(v) => (MODEL_KINDS as readonly unknown[]).includes(v), `one of ${MODEL_KINDS.map((k) => `"${k}"`).join(', ')}`] },
  epochs: { check: positiveInteger },
  batchSize: { check: positiveInteger },
  learningRate: { check: [(v) => typeof v === 'number' && v > 0 && Number.isFinite(v), 'a positive finite number'] },
  schedule: { check: [(v) => (SCHEDULE_KINDS as readonly unknown[]).includes(v), `one of ${SCHEDULE_KINDS.map((k) => `"${k}"`).join(', ')}`] },
  beta2: { check: [(v) => typeof v === 'number' && v > 0 && v < 1, 'a number in (0, 1)'], optional: true },
  validationSplit: { check: [(v) => typeof v === 'number' && v >= 0 && v < 1, 'a number in [0, 1)'], optional: true },
  data: { check: [(v) => typeof v === 'string' && v.length > 0 && v.length <= 4096 && !v.includes('\0'), 'a folder path (a non-empty string)'], optional: true },
  trainLimit: { check: positiveInteger, optional: true },
};

/** The record as written: the run's fields, undefined ones left out (JSON drops them). */
export function writeRunRecord(run: RunRecord): string {
  return JSON.stringify(run);
}

/** The run record of a model file's metadata, or undefined when it has none. Throws ModelFileError naming the field. */
export function readRunRecord(text: string | undefined, file: string): RunRecord | undefined {
  if (text === undefined) return undefined;
  const where = `${file}: metadata "${RUN_KEY}"`;
  const run = parseJsonWithDepthLimit(text, (why) => {
    throw new ModelFileError(`${where} ${why}`);
  });
  if (typeof run !== 'object' || run === null || Array.isArray(run)) throw new ModelFileError(`${where} must be a JSON object describing a convkit train run; received ${quoteValue(run)}.`);
  const record = run as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !Object.hasOwn(FIELDS, key));
  if (unknown.length > 0) throw new ModelFileError(`${where} has unknown field(s) ${unknown.map((k) => quoteString(k)).join(', ')}; expected ${Object.keys(FIELDS).join(', ')}.`);
  for (const [key, { check: [test, expected], optional }] of Object.entries(FIELDS)) {
    if (!Object.hasOwn(record, key)) {
      if (optional) continue;
      throw new ModelFileError(`${where} lacks the field ${key}, which must be ${expected}.`);
    }
    if (!test(record[key])) throw new ModelFileError(`${where}: ${key} must be ${expected}; received ${quoteValue(record[key])}.`);
  }
  return record as unknown as RunRecord;
}
