import type { Engine } from '../../engine/engine.ts';
import type { CliIO } from '../../engine/cli/index.ts';
import { registryAuth } from '../Connect/registry-credentials.ts';
import type { CommandIO } from './host-shell.ts';

/**
 * The bridge from the terminal to engine/cli: `runDocker(engine, argv, io)` owns the docker grammar,
 * tables, error texts and exit statuses; this file only adapts the terminal's streams to its CliIO.
 * engine/cli is loaded after the terminal is interactive (it is not needed to paint the page).
 */
type CliModule = typeof import('../../engine/cli/index.ts');

let loading: Promise<CliModule | null> | null = null;

export function loadCli(): Promise<CliModule | null> {
  loading ??= import('../../engine/cli/index.ts').catch(() => null);
  return loading;
}

export interface DockerContext {
  engine: Engine | null;
  engineError: string;
  columns: number;
  /** The terminal's height: a -t container's console size with `columns`. */
  rows: number;
  /** The shell's directory as an absolute path (CliIO.workingDir). */
  workingDir: string;
  /** The build context for `docker build DIR`, DIR as the shell resolves it. */
  buildContext(dir: string): Promise<Record<string, Uint8Array>>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** `docker cp`'s look at a workspace path, and the directories it makes there. */
  pathKind(path: string): Promise<'file' | 'dir' | undefined>;
  makeDir(path: string): Promise<void>;
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
  const cliIO: CliIO = {
    stdout: (text) => io.stdout(text),
    stderr: (text) => io.stderr(text),
    stdin: io.stdin,
    isTTY: io.isTerminal,
    columns: context.columns,
    rows: context.rows,
    onResize: io.onResize,
    signal: io.signal,
    rawInput: io.rawInput,
    workingDir: context.workingDir,
    buildContext: context.buildContext,
    readFile: context.readFile,
    writeFile: context.writeFile,
    pathKind: context.pathKind,
    makeDir: context.makeDir,
    registryAuth,
  };
  return cli.runDocker(context.engine, argv, cliIO);
}
