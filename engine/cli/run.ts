/**
 * `docker run` and `docker create`. The run flow is docker's: create (on "no such image": print
 * "Unable to find image 'box:latest' locally", pull with progress on stderr, create again), attach,
 * wait registered before start, start, then the container's exit status is the CLI's. `-d` prints
 * the full ID. Engine failures while creating or starting exit 125, 126 or 127 (exitStatus).
 */
import type { ContainerCreate, Engine, WaitResult } from '../engine.ts';
import type { HealthConfig } from '../oci/types.ts';
import { parseGoDuration } from '../core/go-duration.ts';
import { isEngineError } from '../errors.ts';
import { familiarName, parseReference, type Reference } from '../oci/reference.ts';
import { EXIT_INTERRUPTED, followResize, onInterrupt, outputSink, pumpStdin } from './attach.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';
import type { FlagSpec, FlagValues } from './flags.ts';
import { progressDisplay } from './progress.ts';
import { registryAuthFor } from './pull.ts';
import { errorText, reportText, runErrorStatus } from './report.ts';
import { ALIASES_ON_DEFAULT } from '../core/network-endpoints.ts';
import { mergePortMaps, parsePublish } from '../core/port-bindings.ts';
import { keyValueMap } from './labels.ts';

/** Flags that shape the container (shared by run and create). */
export const CONTAINER_FLAGS: FlagSpec[] = [
  { name: 'entrypoint', type: 'string', usage: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
  { name: 'expose', type: 'list', usage: 'Expose a port or a range of ports' },
  { name: 'health-cmd', type: 'string', usage: 'Command to run to check health' },
  { name: 'health-interval', type: 'string', varName: 'duration', usage: 'Time between running the check (ms|s|m|h) (default 0s)' },
  { name: 'health-retries', type: 'int', usage: 'Consecutive failures needed to report unhealthy' },
  { name: 'health-start-period', type: 'string', varName: 'duration', usage: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' },
  { name: 'health-timeout', type: 'string', varName: 'duration', usage: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  { name: 'hostname', short: 'h', type: 'string', usage: 'Container host name' },
  { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached' },
  { name: 'label', short: 'l', type: 'list', usage: 'Set meta data on a container' },
  { name: 'memory', short: 'm', type: 'bytes', usage: 'Memory limit' },
  { name: 'name', type: 'string', usage: 'Assign a name to the container' },
  { name: 'network', type: 'string', usage: 'Connect a container to a network' },
  { name: 'net', type: 'string', usage: 'Connect a container to a network', hidden: true },
  { name: 'network-alias', type: 'list', usage: 'Add network-scoped alias for the container' },
  { name: 'no-healthcheck', type: 'bool', usage: 'Disable any container-specified HEALTHCHECK' },
  { name: 'net-alias', type: 'list', usage: 'Add network-scoped alias for the container', hidden: true },
  { name: 'publish', short: 'p', type: 'list', usage: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', usage: 'Publish all exposed ports to random ports' },
  { name: 'pull', type: 'string', usage: 'Pull image before running ("always", "missing", "never")', default: 'missing' },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the pull output' },
  { name: 'rm', type: 'bool', usage: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { name: 'stop-signal', type: 'string', usage: 'Signal to stop a container', default: 'SIGTERM' },
  { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY' },
  { name: 'volume', short: 'v', type: 'list', usage: 'Bind mount a volume' },
  { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
  { name: 'help', type: 'bool', usage: 'Print usage' },
];

const RUN_FLAGS: FlagSpec[] = [
  ...CONTAINER_FLAGS,
  { name: 'detach', short: 'd', type: 'bool', usage: 'Run container in background and print container ID' },
  { name: 'sig-proxy', type: 'bool', usage: 'Proxy received signals to the process', default: true },
];

interface ContainerRequest {
  create: ContainerCreate;
  reference: Reference | undefined;
  pull: string;
  quiet: boolean;
}

function buildRequest(flags: FlagValues, args: string[], detach: boolean): ContainerRequest {
  const [image, ...command] = args;
  const interactive = flags.bool('interactive');
  const labels = keyValueMap(flags.list('label'));
  const create: ContainerCreate = {
    Image: image,
    Tty: flags.bool('tty'),
    OpenStdin: interactive,
    StdinOnce: interactive && !detach,
    AttachStdin: interactive && !detach,
    AttachStdout: !detach,
    AttachStderr: !detach,
  };
  if (flags.has('name')) create.name = flags.string('name');
  if (command.length) create.Cmd = command;
  // As docker: `--entrypoint ""` asks for no entrypoint at all, sent as [""].
  if (flags.has('entrypoint')) create.Entrypoint = [flags.string('entrypoint')];
  if (flags.list('env').length) create.Env = flags.list('env');
  if (flags.has('workdir')) create.WorkingDir = flags.string('workdir');
  if (flags.has('hostname')) create.Hostname = flags.string('hostname');
  if (Object.keys(labels).length) create.Labels = labels;
  if (flags.has('stop-signal')) create.StopSignal = flags.string('stop-signal');
  const healthcheck = healthRequest(flags);
  if (healthcheck) create.Healthcheck = healthcheck;
  const hostConfig: NonNullable<ContainerCreate['HostConfig']> = {};
  // As docker's CLI: `-v /path` (no source) is an anonymous volume in Config.Volumes, the rest are binds.
  const [anonymous, binds] = partition(flags.list('volume'), (v) => !v.includes(':'));
  if (anonymous.length) create.Volumes = Object.fromEntries(anonymous.map((v) => [v, {}]));
  if (binds.length) hostConfig.Binds = binds;
  if (flags.has('memory')) hostConfig.Memory = flags.int('memory');
  if (flags.bool('rm')) hostConfig.AutoRemove = true;
  networkRequest(flags, create, hostConfig);
  if (Object.keys(hostConfig).length) create.HostConfig = hostConfig;
  let reference: Reference | undefined;
  try {
    reference = parseReference(image);
  } catch {
    // An image ID or something the engine will refuse in its own words.
  }
  return { create, reference, pull: flags.string('pull'), quiet: flags.bool('quiet') };
}

/** A mistake in a flag, found before anything is asked of the engine: docker's CLI words, exit 125. */
class FlagProblem extends Error {}

/**
 * `--health-*` and `--no-healthcheck` as the docker CLI sends them: NONE for --no-healthcheck
 * (with any --health-* it is refused), a CMD-SHELL test for --health-cmd, each duration in ns;
 * fields not given stay 0, so the daemon takes the image's.
 */
function healthRequest(flags: FlagValues): HealthConfig | undefined {
  const durations = { Interval: 'health-interval', Timeout: 'health-timeout', StartPeriod: 'health-start-period' } as const;
  const given = flags.string('health-cmd') !== '' || flags.int('health-retries') !== 0 || Object.values(durations).some((f) => flagDuration(flags, f) !== 0);
  if (flags.bool('no-healthcheck')) {
    if (given) throw new FlagProblem('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!given) return undefined;
  const out: HealthConfig = { Test: flags.string('health-cmd') ? ['CMD-SHELL', flags.string('health-cmd')] : [] };
  for (const [field, flag] of Object.entries(durations) as Array<[keyof typeof durations, string]>) {
    const ns = flagDuration(flags, flag);
    if (ns < 0) throw new FlagProblem(`--${flag} cannot be negative`);
    if (ns) out[field] = ns;
  }
  const retries = flags.int('health-retries');
  if (retries < 0) throw new FlagProblem('--health-retries cannot be negative');
  if (retries) out.Retries = retries;
  return out;
}

/** A duration flag as pflag reads it (Go's time.ParseDuration), in ns; "" is 0. */
function flagDuration(flags: FlagValues, name: string): number {
  const text = flags.string(name);
  if (text === '') return 0;
  try {
    return parseGoDuration(text);
  } catch (e) {
    throw new FlagProblem(`invalid argument "${text}" for "--${name}" flag: ${(e as Error).message}`);
  }
}

/** `--network`, `--network-alias`, `-p`, `-P`, `--expose` as the docker CLI sends them. */
function networkRequest(flags: FlagValues, create: ContainerCreate, hostConfig: NonNullable<ContainerCreate['HostConfig']>): void {
  const network = flags.string('network') || flags.string('net');
  const aliases = [...flags.list('network-alias'), ...flags.list('net-alias')];
  if (aliases.length && ['', 'default', 'bridge', 'none'].includes(network)) throw new FlagProblem(ALIASES_ON_DEFAULT);
  if (network) hostConfig.NetworkMode = network;
  if (aliases.length) create.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: aliases } } };
  let bindings;
  const exposed: Record<string, object> = {};
  try {
    bindings = mergePortMaps(flags.list('publish').map(parsePublish));
    for (const spec of flags.list('expose')) {
      if (spec.includes(':')) throw new Error(`invalid range format for --expose: ${spec}`);
      for (const key of Object.keys(parsePublish(spec))) exposed[key] = {};
    }
  } catch (e) {
    throw new FlagProblem(e instanceof Error ? e.message : String(e));
  }
  for (const key of Object.keys(bindings)) exposed[key] = {};
  if (Object.keys(bindings).length) hostConfig.PortBindings = bindings;
  if (Object.keys(exposed).length) create.ExposedPorts = exposed;
  if (flags.bool('publish-all')) hostConfig.PublishAllPorts = true;
}

function requestOrStatus(command: string, build: () => ContainerRequest): ContainerRequest {
  try {
    return build();
  } catch (e) {
    if (e instanceof FlagProblem) throw new StatusError(125, reportText(command, e.message, true).trimEnd());
    throw e;
  }
}

async function pullForCreate(cx: CommandContext, image: string, quiet: boolean): Promise<void> {
  const display = progressDisplay((t) => {
    if (!quiet) cx.err(t);
  }, cx.io.isTTY === true);
  try {
    await cx.engine.pull(image, { onProgress: display.listener, auth: registryAuthFor(cx, image) });
  } catch (e) {
    if (display.failure) throw new Error(display.failure);
    throw e;
  }
  if (display.failure) throw new Error(display.failure);
}

/**
 * create, pulling the image when it is missing (`--pull missing`) or always (`--pull always`).
 * `create` makes the container (or runs it, with `run`'s one call); `created` says whether a
 * failure came after the container existed, when "no such image" is not the image's.
 */
async function createWithPull<T>(cx: CommandContext, req: ContainerRequest, create: (c: ContainerCreate) => Promise<T>, created: () => boolean = () => false): Promise<T> {
  // As docker's CLI on a terminal: a -t container starts at the terminal's size (HostConfig.ConsoleSize).
  if (req.create.Tty && cx.io.isTTY && cx.io.columns) {
    req.create.HostConfig = { ...req.create.HostConfig, ConsoleSize: [cx.io.rows ?? 24, cx.io.columns] };
  }
  if (req.pull === 'always') await pullForCreate(cx, req.create.Image, req.quiet);
  try {
    return await create(req.create);
  } catch (e) {
    if (created() || !isEngineError(e, 'not-found') || !req.reference || req.pull !== 'missing') throw e;
    if (!req.quiet) cx.err(`Unable to find image '${familiarName(req.reference)}' locally\n`);
    await pullForCreate(cx, req.create.Image, req.quiet);
    return await create(req.create);
  }
}

async function createContainer(cx: CommandContext, req: ContainerRequest): Promise<string> {
  const created = await createWithPull(cx, req, (c) => cx.engine.createContainer(c));
  printWarnings(cx, created.Warnings);
  return created.Id;
}

function printWarnings(cx: CommandContext, warnings: string[] | undefined): void {
  for (const w of warnings ?? []) cx.err(`WARNING: ${w}\n`);
}

function checkPullOption(pull: string): string | undefined {
  if (['always', 'missing', 'never', ''].includes(pull)) return undefined;
  return `invalid pull option: '${pull}': must be one of "always", "missing" or "never"`;
}

export const run: CommandSpec = {
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create and run a new container from an image',
  aliases: 'docker container run, docker run',
  flags: RUN_FLAGS,
  interspersed: false,
  args: { min: 1 },
  top: 1,
  async run(cx, flags, args) {
    const detach = flags.bool('detach');
    const req = requestOrStatus('run', () => buildRequest(flags, args, detach));
    const pullProblem = checkPullOption(req.pull);
    if (pullProblem) throw new StatusError(125, reportText('run', pullProblem, true).trimEnd());
    if (!detach && req.create.Tty && req.create.AttachStdin && !cx.io.isTTY) throw new StatusError(1, 'the input device is not a TTY');
    // Without stdin nothing needs the attach stream: one request where the engine offers it.
    if (!detach && !req.create.AttachStdin && cx.engine.run) return runInOneCall(cx, req, cx.engine.run, flags.bool('sig-proxy'));

    let id: string;
    try {
      id = await createContainer(cx, req);
    } catch (e) {
      cx.err(reportText('run', errorText(e), true));
      return runErrorStatus(e);
    }

    if (detach) {
      cx.out(id + '\n');
      try {
        await cx.engine.startContainer(id);
      } catch (e) {
        cx.err(reportText('run', errorText(e), false));
        return startErrorStatus(e);
      }
      return 0;
    }
    return runAttached(cx, id, {
      tty: req.create.Tty === true,
      stdin: req.create.AttachStdin === true,
      autoRemove: req.create.HostConfig?.AutoRemove === true,
      sigProxy: flags.bool('sig-proxy'),
      onStartError: (e) => {
        cx.err(reportText('run', errorText(e), false));
        return startErrorStatus(e);
      },
    });
  },
};

/** The attached run as one Engine `run` call: the same output, messages and statuses as the four calls. */
async function runInOneCall(cx: CommandContext, req: ContainerRequest, run: NonNullable<Engine['run']>, sigProxy: boolean): Promise<number> {
  const tty = req.create.Tty === true;
  let id: string | undefined;
  let started = false;
  let interruptedByUser = false;
  const stops: Array<() => void> = [];
  const onStarted = () => {
    started = true;
    const container = id!;
    if (tty && cx.io.columns) void cx.engine.resizeContainer(container, cx.io.rows ?? 24, cx.io.columns).catch(() => {});
    if (tty) stops.push(followResize(cx, (rows, cols) => cx.engine.resizeContainer(container, rows, cols)));
    stops.push(
      onInterrupt(cx, () => {
        interruptedByUser = true;
        if (sigProxy) void cx.engine.killContainer(container, { signal: 'SIGINT' }).catch(() => {});
      }),
    );
  };
  const runOnce = (create: ContainerCreate) =>
    run({
      create,
      wait: req.create.HostConfig?.AutoRemove === true ? 'removed' : 'next-exit',
      onCreated: (created, warnings) => {
        id = created;
        printWarnings(cx, warnings);
      },
      onStarted,
      onOutput: outputSink(cx, tty),
    });
  try {
    const result = await createWithPull(cx, req, runOnce, () => id !== undefined);
    return startErrorOr(cx, result);
  } catch (e) {
    if (id === undefined || !started) {
      cx.err(reportText('run', errorText(e), id === undefined));
      return id === undefined ? runErrorStatus(e) : startErrorStatus(e);
    }
    // The container went away under us (removed by someone else): docker reports the error.
    if (interruptedByUser) return EXIT_INTERRUPTED;
    throw e;
  } finally {
    stops.forEach((stop) => stop());
  }
}

/**
 * The status of a failed start, read from the daemon's words as docker's CLI reads them
 * (runStartContainerErr): the error's code does not cross the Engine API, its message does.
 */
function startErrorStatus(e: unknown): number {
  const text = errorText(e);
  if (/executable file not found|no such file or directory/.test(text)) return 127;
  // Docker's: permission denied, is a directory; ours: a file that is no WebAssembly program.
  if (/permission denied|is a directory|exec format error/.test(text)) return 126;
  return runErrorStatus(e);
}

/** The exit status; a program that could not start is printed as Docker prints its failed start. */
function startErrorOr(cx: CommandContext, result: WaitResult): number {
  if (result.StartError) cx.err(reportText('run', `Error response from daemon: ${result.StartError}`, false));
  return result.StatusCode;
}

export interface AttachedRun {
  tty: boolean;
  stdin: boolean;
  autoRemove: boolean;
  sigProxy: boolean;
  /** Prints the start failure and returns the exit status. */
  onStartError(e: unknown): number;
}

/** attach -> wait (registered before start) -> start -> the container's exit status. */
export async function runAttached(cx: CommandContext, id: string, opts: AttachedRun): Promise<number> {
  const stream = await cx.engine.attachContainer(id, { stdin: opts.stdin, stdout: true, stderr: true, onOutput: outputSink(cx, opts.tty) });
  const waiting = cx.engine.waitContainer(id, opts.autoRemove ? 'removed' : 'next-exit');
  // A start failure must not leave an unhandled rejection behind.
  waiting.catch(() => {});
  try {
    await cx.engine.startContainer(id);
  } catch (e) {
    await stream.detach().catch(() => {});
    return opts.onStartError(e);
  }
  if (opts.tty && cx.io.columns) await cx.engine.resizeContainer(id, cx.io.rows ?? 24, cx.io.columns).catch(() => {});
  const stops = [opts.stdin ? pumpStdin(cx, stream) : () => {}, opts.tty ? followResize(cx, (rows, cols) => cx.engine.resizeContainer(id, rows, cols)) : () => {}];
  const stopStdin = () => stops.forEach((stop) => stop());
  let interruptedByUser = false;
  // -it: Ctrl-C belongs to the container's terminal (raw mode), as with docker on a real terminal.
  const raw = opts.tty && opts.stdin && cx.io.rawInput !== undefined;
  if (raw) cx.io.rawInput!(true);
  const unsubscribe = raw
    ? () => cx.io.rawInput!(false)
    : onInterrupt(cx, () => {
        interruptedByUser = true;
        if (opts.sigProxy) void cx.engine.killContainer(id, { signal: 'SIGINT' }).catch(() => {});
      });
  try {
    const result = await waiting;
    return startErrorOr(cx, result);
  } catch (e) {
    // The container went away under us (removed by someone else): docker reports the error.
    if (interruptedByUser) return EXIT_INTERRUPTED;
    throw e;
  } finally {
    unsubscribe();
    stopStdin();
    // Cleanup: every output came before the exit, nobody waits for the detach.
    void stream.detach().catch(() => {});
  }
}

export const create: CommandSpec = {
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  aliases: 'docker container create, docker create',
  flags: CONTAINER_FLAGS.map((f) => (f.name === 'pull' ? { ...f, usage: 'Pull image before creating ("always", "missing", "never")' } : f)),
  interspersed: false,
  args: { min: 1 },
  async run(cx, flags, args) {
    const req = requestOrStatus('create', () => buildRequest(flags, args, true));
    // A created container is attached later by `start -a`: keep the streams requested.
    req.create.AttachStdin = flags.bool('interactive');
    req.create.AttachStdout = true;
    req.create.AttachStderr = true;
    req.create.StdinOnce = flags.bool('interactive');
    const pullProblem = checkPullOption(req.pull);
    if (pullProblem) throw new StatusError(125, reportText('create', pullProblem, true).trimEnd());
    const id = await createContainer(cx, req);
    cx.out(id + '\n');
    return 0;
  },
};

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}
