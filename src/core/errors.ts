/**
 * The kinds of error convkit throws, so that a caller can catch by kind
 * (`error instanceof ShapeError`) instead of matching message text. The
 * message still says what was expected and what was received; the class only
 * says which kind of thing was wrong.
 *
 * Every class sets `name` to its own class name, so that a stack trace and
 * `String(error)` show the kind (and survive minifiers that rename classes).
 *
 * What is not here, on purpose: the kernel contract's RangeError (a row
 * outside the source in gatherRows, which both backends throw the same way)
 * and ProgressBar's RangeError (a step count that cannot be drawn) stay
 * built-in RangeErrors; the command line's argument parser throws commander's
 * InvalidArgumentError, which commander itself reports.
 */

/** The base of every error convkit throws on purpose; catch it to catch them all. */
export class ConvkitError extends Error {
  override name = 'ConvkitError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A tensor, input or weight whose shape or rank does not fit what the layer, model or file needs. */
export class ShapeError extends ConvkitError {
  override name = 'ShapeError';
}

/** An invalid option or argument: layer options, compile/fit/evaluate/predict options, schedules, callbacks, CLI values. */
export class ConfigError extends ConvkitError {
  override name = 'ConfigError';
}

/** A model file (convkit safetensors, a TF.js model.json and its weights, a checkpoint) that cannot be read or does not fit. */
export class ModelFileError extends ConvkitError {
  override name = 'ModelFileError';
}

/** Data that is wrong: a data set, an IDX file, labels or targets, an image, a malware sample or archive. */
export class DataError extends ConvkitError {
  override name = 'DataError';
}
