/** What both test runtimes offer: a file system prepared from the same spec, and runs of box. */
export type FileSpec = Record<string, string | Uint8Array | { dir: true }>;

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** the module to run (default: images/box/box.wasm) */
  module?: Uint8Array;
  /** stub dockyard.spawn the way a plain WASI runtime told to stub unknown imports does (returns 0) */
  stubSpawn?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  /** the module trapped (abort, unreachable): no exit status */
  trapped: boolean;
}

export interface TestRuntime {
  readonly name: string;
  run(argv: string[], options?: RunOptions): RunResult;
  readFile(path: string): string | null;
  dispose(): void;
}

export const DEFAULT_ENV: Record<string, string> = { PATH: '/bin:/usr/bin:/usr/local/bin', HOME: '/root' };
