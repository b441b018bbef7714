import type { Engine } from '../../engine/engine.ts';
import type { CommandIO } from './host-shell.ts';

/**
 * The bridge from the terminal to engine/cli: `runDocker(engine, argv, io)` owns the docker grammar,
 * tables, error texts and exit statuses; this file only adapts the terminal's streams to its CliIO.
 * engine/cli is loaded after the terminal is interactive (it is not needed to paint the page).
 */
interface CliModule {
  runDocker(engine: Engine, argv: string[], io: object): Promise<number>;
  COMMANDS: Record<string, unknown>;
  GROUPS: Record<string, { commands: Record<string, unknown> }>;
}

// TODO(#5): a plain dynamic import once engine/cli/index.ts is committed; the glob keeps the page
// buildable in a tree where it is not.
const modules = import.meta.glob<CliModule>('/engine/cli/index.ts');

let loading: Promise<CliModule | null> | null = null;

export function loadCli(): Promise<CliModule | null> {
  loading ??= modules['/engine/cli/index.ts']?.() ?? Promise.resolve(null);
  return loading;
}

export interface DockerContext {
  engine: Engine | null;
  engineError: string;
  columns: number;
  /** The build context for `docker build DIR`, DIR as the shell resolves it. */
  buildContext(dir: string): Promise<Record<string, Uint8Array>>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

export async function runDockerCommand(argv: string[], io: CommandIO, context: DockerContext): Promise<number> {
  if (!context.engine) {
    io.stderr(`Cannot connect to the Docker daemon: ${context.engineError || 'the browser engine is still starting'}\n`);
    return 1;
  }
  const cli = await loadCli();
  if (!cli) {
    io.stderr('docker: the docker command line is not part of this build\n');
    return 127;
  }
  return cli.runDocker(context.engine, argv, {
    stdout: (text: string) => io.stdout(text),
    stderr: (text: string) => io.stderr(text),
    stdin: io.stdin,
    isTTY: io.isTerminal,
    columns: context.columns,
    signal: io.signal,
    buildContext: context.buildContext,
    readFile: context.readFile,
    writeFile: context.writeFile,
  });
}
