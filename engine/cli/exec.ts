/**
 * `docker exec`: create the exec, start it attached (or detached with -d), forward stdin for -i,
 * and exit with the process's status. The Engine API has no "exec ended" call, so the CLI learns
 * the end from the `exec_die` event (Actor.Attributes.execID, as Docker emits it) and, as a
 * fallback, by polling inspectExec.
 */
import { EXIT_INTERRUPTED, followResize, onInterrupt, outputSink, pumpStdin } from './attach.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';

const POLL_MS = 100;

function execEnded(cx: CommandContext, execId: string): { done: Promise<number>; cancel(): void } {
  let cancelled = false;
  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<number>((resolve, reject) => {
    const finish = (code: number) => {
      if (cancelled) return;
      cancelled = true;
      if (timer) clearTimeout(timer);
      unsubscribe?.();
      resolve(code);
    };
    void cx.engine
      .events((ev) => {
        if (ev.Action === 'exec_die' && ev.Actor.Attributes.execID === execId) finish(Number(ev.Actor.Attributes.exitCode ?? 0));
      })
      .then((off) => {
        if (cancelled) off();
        else unsubscribe = off;
      })
      .catch(() => {});
    const poll = async () => {
      if (cancelled) return;
      try {
        const info = await cx.engine.inspectExec(execId);
        if (!info.Running && info.ExitCode !== null) return finish(info.ExitCode);
      } catch (e) {
        cancelled = true;
        unsubscribe?.();
        return reject(e);
      }
      if (!cancelled) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, 0);
  });
  return {
    done,
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
      unsubscribe?.();
    },
  };
}

export const exec: CommandSpec = {
  use: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Execute a command in a running container',
  aliases: 'docker container exec, docker exec',
  flags: [
    { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: run command in the background' },
    { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached' },
    { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', type: 'string', usage: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
  ],
  interspersed: false,
  args: { min: 2 },
  top: 2,
  async run(cx, flags, args) {
    const [container, ...cmd] = args;
    const detach = flags.bool('detach');
    const interactive = flags.bool('interactive') && !detach;
    const tty = flags.bool('tty');
    if (!detach && tty && interactive && !cx.io.isTTY) throw new StatusError(1, 'the input device is not a TTY');
    const { Id: execId } = await cx.engine.createExec(container, {
      Cmd: cmd,
      Tty: tty,
      AttachStdin: interactive,
      AttachStdout: !detach,
      AttachStderr: !detach,
      ...(flags.list('env').length ? { Env: flags.list('env') } : {}),
      ...(flags.has('workdir') ? { WorkingDir: flags.string('workdir') } : {}),
      ...(flags.has('user') ? { User: flags.string('user') } : {}),
    });
    const ended = detach ? undefined : execEnded(cx, execId);
    ended?.done.catch(() => {});
    let stream;
    try {
      stream = await cx.engine.startExec(execId, { stdin: interactive, stdout: !detach, stderr: !detach, onOutput: outputSink(cx, tty) });
    } catch (e) {
      ended?.cancel();
      throw e;
    }
    if (!ended) {
      await stream.detach().catch(() => {});
      return 0;
    }
    // As docker: the terminal's size right after the start (this CLI knows only its width).
    if (tty && cx.io.columns) await cx.engine.resizeExec(execId, cx.io.rows ?? 24, cx.io.columns).catch(() => {});
    const stops = [interactive ? pumpStdin(cx, stream) : () => {}, tty ? followResize(cx, (rows, cols) => cx.engine.resizeExec(execId, rows, cols)) : () => {}];
    const stopStdin = () => stops.forEach((stop) => stop());
    let interruptedByUser = false;
    // -it: the exec's terminal takes Ctrl-C (raw mode, 0x03 in its stdin), as `run -it` does;
    // otherwise Ctrl-C leaves the CLI and the process keeps running, as docker exec without a TTY.
    const raw = tty && interactive && cx.io.rawInput !== undefined;
    if (raw) cx.io.rawInput!(true);
    const unsubscribe = raw
      ? () => cx.io.rawInput!(false)
      : onInterrupt(cx, () => {
          interruptedByUser = true;
          ended.cancel();
        });
    try {
      const userInterrupt = raw ? new Promise<number>(() => {}) : new Promise<number>((resolve) => onInterrupt(cx, () => resolve(EXIT_INTERRUPTED)));
      const code = await Promise.race([ended.done, userInterrupt]);
      return interruptedByUser ? EXIT_INTERRUPTED : code;
    } finally {
      unsubscribe();
      stopStdin();
      await stream.detach().catch(() => {});
    }
  },
};
