/**
 * The zip options of the commands that read .zip archives: --password (alias --zip-password) for binimg and
 * malware predict, --zip-password for malware train / evaluate, and --max-total-bytes for all of them.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_MAX_ARCHIVE_BYTES, DEFAULT_ZIP_PASSWORD } from '../../apps/malware/zip-samples.js';
import { positiveIntegerOption } from '../common-options.js';

export interface ZipPasswordOptions {
  password?: string;
  zipPassword?: string;
  maxTotalBytes: number;
}

/** An empty password is refused here: it would make every encrypted entry fail one by one instead of the archive once. */
export function zipPasswordArgument(flag: string) {
  return (value: string): string => {
    if (value === '') {
      throw new InvalidArgumentError(`${flag} expects the archives' password; received an empty string. Leave it out for the conventional '${DEFAULT_ZIP_PASSWORD}'.`);
    }
    return value;
  };
}

/** --max-total-bytes: what one archive's entries may inflate to, in all (each entry is also capped by --max-bytes). */
export function maxTotalBytesOption(): Option {
  return new Option(
    '--max-total-bytes <n>',
    'refuse a .zip archive whose entries (those under --max-bytes) declare more than this many bytes in all; checked before anything is inflated',
  ).argParser(positiveIntegerOption('--max-total-bytes')).default(DEFAULT_MAX_ARCHIVE_BYTES, '1073741824, 1 GiB');
}

export function addZipPasswordOption(command: Command): Command {
  return command
    .addOption(maxTotalBytesOption())
    .option('--password <password>', `password of encrypted .zip inputs, whose entries are read in memory only (default: '${DEFAULT_ZIP_PASSWORD}')`, zipPasswordArgument('--password'))
    // The name malware train / evaluate use, and the one a wrong-password error names.
    .addOption(new Option('--zip-password <password>', 'the same as --password').conflicts('password').argParser(zipPasswordArgument('--zip-password')));
}

export function zipPasswordOf(options: Pick<ZipPasswordOptions, 'password' | 'zipPassword'>): string {
  return options.password ?? options.zipPassword ?? DEFAULT_ZIP_PASSWORD;
}
