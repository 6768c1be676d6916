/**
 * The lab's "think deeper" question made arithmetic: a model that misreads
 * `errors` of every 10,000 inputs, run on `eventsPerDay` inputs a day where
 * each miss costs `costPerMiss`, misses errors / 10,000 * eventsPerDay a day.
 * The page's calculator shows these rows and the difference between the best
 * and the worst model.
 */
import { ConfigError } from '../../../core/errors.js';

export interface ModelErrors { model: string; errors: number /* per 10,000 */ }
export interface ErrorCostRow { model: string; errorsPerDay: number; costPerDay: number }
export interface ErrorCosts {
  rows: ErrorCostRow[];
  /** Cost per day of the worst model minus that of the best (0 with fewer than two models). */
  difference: number;
  /** The cheapest model, or undefined with no models. */
  best?: string;
}

export function costOfErrors(models: readonly ModelErrors[], eventsPerDay: number, costPerMiss: number): ErrorCosts {
  for (const [name, value] of [['events per day', eventsPerDay], ['cost of one miss', costPerMiss]] as const) {
    if (!(Number.isFinite(value) && value >= 0)) throw new ConfigError(`The ${name} must be a finite number >= 0; received ${value}.`);
  }
  const rows = models.map(({ model, errors }) => {
    if (!(Number.isFinite(errors) && errors >= 0 && errors <= 10_000)) {
      throw new ConfigError(`Errors per 10,000 must be between 0 and 10000; received ${errors} for ${model}.`);
    }
    const errorsPerDay = (errors / 10_000) * eventsPerDay;
    return { model, errorsPerDay, costPerDay: errorsPerDay * costPerMiss };
  });
  if (rows.length === 0) return { rows, difference: 0 };
  const costs = rows.map((r) => r.costPerDay);
  const best = rows.reduce((a, b) => (b.costPerDay < a.costPerDay ? b : a));
  return { rows, difference: Math.max(...costs) - Math.min(...costs), best: best.model };
}
