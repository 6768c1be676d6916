/** convkit binimg: sample files to byteplot (or entropy) greyscale PNGs named by SHA-256. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkWidth, convertSample } from '../../malware/binimg.js';
import { collectSamples } from '../../malware/collect-samples.js';
import { PIXEL_MODES, type PixelMode } from '../../malware/pixel-modes.js';
import { DEFAULT_MAX_BYTES } from '../../malware/safe-read.js';
import { positiveIntegerOption } from '../common-options.js';

interface BinimgCommandOptions {
  out: string;
  mode: PixelMode;
  width?: number;
  maxBytes: number;
  compression: number;
}

export function registerBinimg(program: Command): void {
  program
    .command('binimg')
    .description('convert binary files to greyscale PNGs (one byte, one pixel), named by SHA-256; samples are only read, never run')
    .argument('<paths...>', 'files or directories (walked; symlinks and special files are skipped)')
    .requiredOption('-o, --out <dir>', 'output folder')
    .addOption(new Option('--mode <mode>', 'byteplot: byte value as grey; entropy: Shannon entropy of the 256 bytes around each byte').choices([...PIXEL_MODES]).default('byteplot'))
    .option('--width <n>', 'fixed image width (default: by file size, Nataraj et al. 2011 table)', (v: string) => {
      try {
        return checkWidth(Number(v));
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    })
    .option('--max-bytes <n>', 'refuse files larger than this many bytes', positiveIntegerOption('--max-bytes'), DEFAULT_MAX_BYTES)
    .option('--compression <level>', 'zlib level 0-9 for the PNGs', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 9) throw new InvalidArgumentError(`--compression expects an integer from 0 to 9; received '${v}'.`);
      return n;
    }, 1)
    .action(async (paths: string[], options: BinimgCommandOptions) => {
      const { files, skipped } = await collectSamples(paths);
      for (const s of skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
      let failed = skipped.length;
      for (const file of files) {
        try {
          const r = await convertSample(file, { outDir: options.out, mode: options.mode, width: options.width, maxBytes: options.maxBytes, compressionLevel: options.compression });
          console.log(`${r.sha256}  ${r.bytes} bytes  ${r.width}x${r.height}  ${r.source} -> ${r.output}`);
        } catch (error) {
          failed++;
          process.stderr.write(`${(error as Error).message}\n`);
        }
      }
      console.log(`Converted ${files.length - (failed - skipped.length)} of ${files.length + skipped.length} inputs to ${options.out} (${options.mode}; last row zero-padded, true length in the PNG's convkit:length text chunk).`);
      if (failed > 0) process.exitCode = 1;
    });
}
