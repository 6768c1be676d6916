/**
 * Checkpoint path templates in the Python format syntax Keras users write:
 * "ckpt-{epoch:02d}-{val_loss:.4f}.safetensors". Supported fields are {name}
 * and {name:spec} with spec [0][width][.precision]f or [0][width]d; anything else is
 * refused when the template is created, not at the end of the first epoch.
 */
import { ConfigError } from '../../core/errors.js';
import { quoteValue } from '../../core/quote-value.js';

interface Field {
  text: string;
  name: string;
  zero: boolean;
  width: number;
  precision: number | undefined;
  kind: '' | 'd' | 'f';
}

const FIELD = /\{([^{}]*)\}/g;
// [0][width][.precision f | d]: a precision only with f, whose meaning Python and JavaScript share.
const SPEC = /^(0?)(\d*)(?:\.(\d+)(?=f$))?([df]?)$/;

export class PathTemplate {
  private readonly fields: Field[] = [];

  constructor(readonly template: string) {
    if (typeof template !== 'string' || template === '') throw new ConfigError(`A checkpoint path must be a non-empty string; received ${quoteValue(template)}.`);
    for (const match of template.matchAll(FIELD)) {
      const [name, spec = ''] = match[1].split(/:(.*)/s);
      const parts = SPEC.exec(spec);
      if (!/^[A-Za-z_]\w*$/.test(name) || !parts) {
        throw new ConfigError(`Checkpoint path "${template}": cannot read the field "${match[0]}"; write {name} or {name:spec} such as {epoch:02d} or {val_loss:.4f}.`);
      }
      this.fields.push({ text: match[0], name, zero: parts[1] === '0', width: Number(parts[2] || 0), precision: parts[3] === undefined ? undefined : Number(parts[3]), kind: parts[4] as Field['kind'] });
    }
    if (/[{}]/.test(template.replace(FIELD, ''))) throw new ConfigError(`Checkpoint path "${template}" has an unmatched '{' or '}'.`);
  }

  /** The field names used, e.g. ['epoch', 'val_loss']. */
  get names(): string[] {
    return this.fields.map((f) => f.name);
  }

  format(values: Readonly<Record<string, number>>): string {
    let out = this.template;
    for (const field of this.fields) {
      const value = values[field.name];
      if (typeof value !== 'number') {
        throw new ConfigError(`Checkpoint path "${this.template}" uses {${field.name}}, which the epoch logs do not have; available: ${Object.keys(values).join(', ')}.`);
      }
      let text = field.kind === 'd' ? String(Math.trunc(value))
        : field.kind === 'f' ? value.toFixed(field.precision ?? 6)
          : String(value);
      if (text.length < field.width) {
        const negative = field.zero && text.startsWith('-');
        const digits = negative ? text.slice(1) : text;
        text = field.zero ? (negative ? '-' : '') + digits.padStart(field.width - (negative ? 1 : 0), '0') : text.padStart(field.width, ' ');
      }
      out = out.replace(field.text, text);
    }
    return out;
  }
}
