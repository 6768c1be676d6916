/** convkit binimg: sample files (and the entries of zip archives, in memory, one at a time) to byteplot, entropy or markov greyscale PNGs named by SHA-256. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkWidth, convertBytes, convertSample, type BinimgOptions } from '../../apps/malware/binimg.js';
import { PIXEL_MODES, type PixelMode } from '../../apps/malware/pixel-modes.js';
import { DEFAULT_MAX_BYTES } from '../../apps/malware/safe-read.js';
import { sampleInputs } from '../../apps/malware/sample-inputs.js';
import { positiveIntegerOption } from '../common-options.js';
import { ConfigError } from '../../core/errors.js';
import { addZipPasswordOption, zipPasswordOf, type ZipPasswordOptions } from './zip-password-option.js';

interface BinimgCommandOptions extends ZipPasswordOptions {
  out: string;
  mode: PixelMode;
  width?: number;
  maxBytes: number;
  compression: number;
}

export function registerBinimg(program: Command): void {
  const command = program
    .command('binimg')
    .description('convert binary files to greyscale PNGs (byteplot: one byte, one pixel; entropy; markov: the 256 x 256 byte-transition matrix), named by SHA-256; samples are only read, never run')
    .argument('<paths...>', 'files, directories (walked; symlinks and special files are skipped) or .zip archives (each regular entry converted in memory, one entry at a time, never extracted; .zip files found in directories too)')
    .requiredOption('-o, --out <dir>', 'output folder')
    .addOption(new Option('--mode <mode>', 'byteplot: byte value as grey; entropy: Shannon entropy of the 256 bytes around each byte; markov: 256 x 256 byte-transition matrix, log(1 + count) scaled by its largest').choices([...PIXEL_MODES]).default('byteplot'))
    .option('--width <n>', 'fixed image width (default: by file size, Nataraj et al. 2011 table)', (v: string) => {
      try {
        return checkWidth(Number(v));
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    })
    .option('--max-bytes <n>', 'refuse files (and zip entries) larger than this many bytes', positiveIntegerOption('--max-bytes'), DEFAULT_MAX_BYTES)
    .option('--compression <level>', 'zlib level 0-9 for the PNGs', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 9) throw new InvalidArgumentError(`--compression expects an integer from 0 to 9; received '${v}'.`);
      return n;
    }, 1);
  addZipPasswordOption(command)
    .action(async (paths: string[], options: BinimgCommandOptions) => {
      if (options.mode === 'markov' && options.width !== undefined) {
        throw new ConfigError(`--width does not apply to --mode markov: its image is always 256 x 256 (one row and one column per byte value); received --width ${options.width}.`);
      }
      const convert: BinimgOptions = { outDir: options.out, mode: options.mode, width: options.width, maxBytes: options.maxBytes, compressionLevel: options.compression };
      let inputs = 0;
      let converted = 0;
      // One input at a time: a zip entry is inflated only when the previous input is converted, so an
      // archive of any size costs one entry's bytes (at most --max-bytes).
      for await (const input of sampleInputs(paths, { maxBytes: options.maxBytes, password: zipPasswordOf(options), maxTotalBytes: options.maxTotalBytes })) {
        inputs++;
        if (input.kind === 'skipped') {
          process.stderr.write(`skipped ${input.path}: ${input.reason}\n`);
          continue;
        }
        if (input.kind === 'failed') {
          process.stderr.write(`${input.message}\n`);
          continue;
        }
        try {
          const r = input.kind === 'file' ? await convertSample(input.path, convert) : await convertBytes(input.source, input.bytes, convert);
          console.log(`${r.sha256}  ${r.bytes} bytes  ${r.width}x${r.height}  ${r.source} -> ${r.output}`);
          converted++;
        } catch (error) {
          process.stderr.write(`${(error as Error).message}\n`);
        }
      }
      console.log(`Converted ${converted} of ${inputs} inputs to ${options.out} (${options.mode}; last row zero-padded, true length in the PNG's convkit:length text chunk).`);
      if (converted < inputs) process.exitCode = 1;
    });
}
