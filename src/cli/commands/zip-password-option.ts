/** --password (alias --zip-password) for the commands that take sample paths: binimg, malware predict. */
import { Option, type Command } from 'commander';
import { DEFAULT_ZIP_PASSWORD } from '../../apps/malware/zip-samples.js';

export interface ZipPasswordOptions {
  password?: string;
  zipPassword?: string;
}

export function addZipPasswordOption(command: Command): Command {
  return command
    .option('--password <password>', `password of encrypted .zip inputs, whose entries are read in memory only (default: '${DEFAULT_ZIP_PASSWORD}')`)
    // The name malware train / evaluate use, and the one a wrong-password error names.
    .addOption(new Option('--zip-password <password>', 'the same as --password').conflicts('password'));
}

export function zipPasswordOf(options: ZipPasswordOptions): string {
  return options.password ?? options.zipPassword ?? DEFAULT_ZIP_PASSWORD;
}
