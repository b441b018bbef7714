import type { CliIO } from '../../engine/cli/io.ts';

/** What one `docker ...` gave on one engine: what a terminal shows, and the exit status. */
export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerOptions {
  /** Piped to `docker run -i` (then end of input). */
  stdin?: string;
  /** Build contexts by the directory named on the command line: path -> content, base64. */
  contexts?: Record<string, Record<string, string>>;
  /** Pins the CLI's clock ("2 seconds ago"). */
  now?: number;
  /**
   * The terminal's folder: path -> content, base64. `docker compose` reads its file from it, and a
   * build context not in `contexts` is the files under the directory named.
   */
  files?: Record<string, string>;
  /** The terminal's directory as an absolute path (CliIO.workingDir). */
  workingDir?: string;
}

/** The CliIO capabilities both sides give a command from its options: one rule for the page and Node. */
export function folderIO(options: DockerOptions, decode: (base64: string) => Uint8Array): Pick<CliIO, 'workingDir' | 'readFile' | 'buildContext'> {
  const clean = (p: string) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
  return {
    ...(options.workingDir !== undefined ? { workingDir: options.workingDir } : {}),
    async readFile(path) {
      const content = options.files?.[clean(path)];
      if (content === undefined) throw new Error(`open ${path}: no such file or directory`);
      return decode(content);
    },
    async buildContext(dir) {
      let files = options.contexts?.[dir];
      if (!files && options.files) {
        const prefix = clean(dir) ? `${clean(dir)}/` : '';
        files = Object.fromEntries(Object.entries(options.files).filter(([p]) => p.startsWith(prefix)).map(([p, b]) => [p.slice(prefix.length), b]));
        if (!Object.keys(files).length) files = undefined;
      }
      if (!files) throw new Error(`unable to prepare context: path "${dir}" not found`);
      return Object.fromEntries(Object.entries(files).map(([p, b]) => [p, decode(b)]));
    },
  };
}
