// What the CLI needs from the outside world, passed in so tests run it in-process.
export type CliIo = {
  stdout: { write(s: string): unknown; isTTY?: boolean };
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
} as const;

/** Colour when writing to a terminal, unless NO_COLOR is set; FORCE_COLOR forces it. */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.TERM === 'dumb') return false;
  return io.stdout.isTTY === true;
}

export function readStdin(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > limit) {
        reject(new Error(`standard input is larger than ${Math.round(limit / 1e6)} MB`));
        stream.removeAllListeners('data');
        return;
      }
      chunks.push(b);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
