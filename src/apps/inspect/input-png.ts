/**
 * inspect's --png: an image for the model, which must already have the model's input
 * size (28x28 for MNIST models). It is refused, not resized: MNIST digits are
 * drawn in a 20x20 box centred by mass inside 28x28, and a plain resize of
 * another picture would show the network something unlike its training data
 * (and resampling artefacts in every feature map). Colour is accepted and
 * turned to grey with BT.601 luma; transparency is composited over black, the
 * MNIST background.
 */
import { withUntrustedFile } from '../../data/untrusted-file.js';
import { decodePngRgba, pngHeader } from '../image/png-read.js';
import { DataError, ShapeError } from '../../core/errors.js';
import { sniffFileKind, wrongKindMessage } from '../../data/file-kind.js';

export interface InputImage {
  /** height * width grey values in [0, 1], as MNIST images are scaled for training. */
  pixels: Float32Array;
  /** True when some pixel had R, G, B not all equal (turned to grey). */
  hadColour: boolean;
}

/** Far above any PNG of a model's input size (28x28 is under 1 KiB); the cap only stops a huge or endless file. */
const MAX_INPUT_PNG_BYTES = 16 * 1024 * 1024;

/**
 * `what` names the file in messages (inspect's "--png FILE", predict's "image FILE"), and
 * `command` the command that does not resize.
 */
export async function readInputPng(path: string, height: number, width: number, what = `--png ${path}`, command = 'inspect'): Promise<InputImage> {
  // A regular file only, read whole only under the cap (src/data/untrusted-file.ts).
  const bytes = await withUntrustedFile(path, { what, kind: DataError }, (file) => file.readAll(MAX_INPUT_PNG_BYTES))
    .catch((error: Error) => {
      if ((error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new DataError(`Cannot read ${what}: no such file.`, { cause: error.cause });
      throw error;
    });
  let header;
  try {
    header = pngHeader(bytes);
  } catch (error) {
    const found = sniffFileKind(bytes, path);
    if (found && found.name !== 'png') throw new DataError(wrongKindMessage(what, found, `a ${width}x${height} greyscale PNG`));
    throw new DataError(`${what} is not a readable PNG (${(error as Error).message}); expected a ${width}x${height} greyscale PNG.`);
  }
  // Checked before inflating anything: a small file can declare a huge image.
  if (header.width !== width || header.height !== height) {
    throw new ShapeError(
      `${what} is ${header.width}x${header.height} pixels; the model takes ${width}x${height} greyscale images (MNIST style: a light digit on a black background). ` +
        `${command} does not resize: scale and centre the digit to that size first.`,
    );
  }
  let rgba: Uint8Array;
  try {
    rgba = decodePngRgba(bytes).rgba;
  } catch (error) {
    throw new DataError(`Cannot decode ${what}: ${(error as Error).message}.`);
  }
  const pixels = new Float32Array(width * height);
  let hadColour = false;
  for (let i = 0, j = 0; i < pixels.length; i++, j += 4) {
    const [r, g, b, a] = [rgba[j], rgba[j + 1], rgba[j + 2], rgba[j + 3]];
    if (r !== g || g !== b) hadColour = true;
    pixels[i] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * (a / 255);
  }
  return { pixels, hadColour };
}
