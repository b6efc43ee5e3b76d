// What the CLI needs from the outside world, passed in so tests run it in-process.
import { InvalidArgumentError } from 'commander';
export type CliIo = {
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** The script path the CLI was started as (process.argv[1]), for commands printed back. */
  script?: string;
};

export const EXIT = {
  eligible: 0,
  ineligible: 1,
  usage: 2,
  undetermined: 3,
  internal: 70,
  /** The output could not be written in full (disk full, closed pipe): the results are incomplete. */
  output: 74,
} as const;

/** An option parser that refuses a second value instead of silently keeping the last one. */
export function onlyOnce(flag: string): (value: string, previous: string | undefined) => string {
  return (value, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError(`${flag} is given twice ("${previous.slice(0, 20)}" and "${value.slice(0, 20)}"); give it once`);
    return value;
  };
}

/** Colour when writing to a terminal, unless NO_COLOR is set; FORCE_COLOR forces it. */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  // FORCE_COLOR=0 (or false) means no colour, as in chalk and Node itself.
  if (io.env.FORCE_COLOR === '0' || io.env.FORCE_COLOR === 'false') return false;
  if (io.env.FORCE_COLOR !== undefined) return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.TERM === 'dumb') return false;
  return io.stdout.isTTY === true;
}

/** Standard input as bytes, refusing (and stopping reading) once more than `limit` bytes arrive. */
export function readStdin(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > limit) {
        reject(new Error(`standard input is larger than ${Math.round(limit / 1024 / 1024)} MB; a patient file is at most that (for many patients use "screen batch")`));
        stream.removeAllListeners('data');
        stream.pause();
        return;
      }
      chunks.push(b);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
