/**
 * Signals (engine/wasi/signal-abi.ts) as a container's programs meet them: docker kill/stop to PID 1,
 * the terminal's Ctrl-C to the foreground programs, box's `trap`, PID 1 without a handler, a
 * blocked sleep or read that wakes. Run on the browser's adapter in Node (harness.ts), the signal
 * posted to its control block as the runtime posts it, once the program has said it is ready.
 */
import { describe, expect, it } from 'vitest';
import { SIGINT, SIGTERM } from '../../../engine/wasi/signal-abi.ts';
import { BOX, browserHost, BASE_FILES, bothHosts, expectSh, type RunOptions, type RunResult } from '../images/harness.ts';

async function onBrowser(argv: string[], options: RunOptions): Promise<RunResult> {
  await bothHosts(); // @wasmer/wasi initialised
  const host = browserHost({ ...BASE_FILES, '/usr/local/bin/tool': BOX });
  try {
    return host.run(argv, options);
  } finally {
    host.dispose();
  }
}

/** SIGTERM for PID 1 once `after` is written and the program then blocks (`blocked`) or at once. */
const term = (after = 'ready', blocked = true) => [{ after, signal: SIGTERM, to: 'init' as const, blocked }];
const ctrlC = (after = 'ready', blocked = true) => [{ after, signal: SIGINT, to: 'foreground' as const, blocked }];

describe('docker stop / docker kill: a signal for PID 1', () => {
  it("sh's trap runs at once, even while a sleep blocks, and its exit is the container's status", async () => {
    const r = await onBrowser(['sh', '-c', 'trap "echo bye; exit 0" TERM; echo ready; sleep 60; echo not reached'], { signals: term() });
    expect(r).toMatchObject({ status: 0, stdout: 'ready\nbye\n', stderr: '' });
  });

  it('a trap interrupts a busy loop of the shell too', async () => {
    const r = await onBrowser(['sh', '-c', 'trap "echo bye; exit 3" TERM; echo ready; while true; do :; done'], { signals: term('ready', false) });
    expect(r).toMatchObject({ status: 3, stdout: 'ready\nbye\n' });
  });

  it('a trap without exit: the interrupted sleep ends with 128 + 15 and the script goes on', async () => {
    const r = await onBrowser(['sh', '-c', 'trap "echo caught" TERM; echo ready; sleep 60; echo "went on $?"'], { signals: term() });
    expect(r).toMatchObject({ status: 0, stdout: 'ready\ncaught\nwent on 143\n' });
  });

  it('PID 1 without a handler ignores it, as Docker\'s PID 1 does: the sleep runs to its end', async () => {
    const r = await onBrowser(['sh', '-c', 'echo ready; sleep 0.3; echo still here'], { signals: term() });
    expect(r).toMatchObject({ status: 0, stdout: 'ready\nstill here\n' });
  });

  it("trap '' ignores it; a program PID 1 started does not get it", async () => {
    const r = await onBrowser(['sh', '-c', "trap '' TERM; tool sh -c 'echo ready; sleep 0.3; echo child done'; echo \"parent $?\""], { signals: term() });
    expect(r).toMatchObject({ status: 0, stdout: 'ready\nchild done\nparent 0\n' });
  });
});

describe('Ctrl-C under -t: SIGINT for the foreground programs', () => {
  it('a program that is not PID 1 and has no handler ends with 128 + 2; PID 1 goes on', async () => {
    const r = await onBrowser(['sh', '-c', 'tool sh -c "echo ready; sleep 60; echo no"; echo "child $?"'], { signals: ctrlC() });
    expect(r).toMatchObject({ status: 0, stdout: 'ready\nchild 130\n' });
  });

  it('an interactive sh stops the command it runs (sleep) and the rest of its line, and prompts again', async () => {
    const r = await onBrowser(['sh'], { tty: true, stdin: 'echo ready; sleep 60; echo after\necho "next $?"\n', signals: ctrlC() });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ready\nnext 130\n');
    expect(r.stderr).toBe('/ # / # / # \n');
  });

  it('an interactive sh stops its own loop and a spawned program alike', async () => {
    const r = await onBrowser(['sh'], {
      tty: true,
      stdin: 'echo ready; while true; do :; done\ntool sh -c "echo ready2; while true; do :; done"; echo "after $?"\necho done\n',
      signals: [...ctrlC('ready\n', false), ...ctrlC('ready2', false)],
    });
    expect(r.stdout).toBe('ready\nready2\ndone\n');
    expect(r.status).toBe(0);
  });
});

describe('trap, as a script sees it (both hosts)', () => {
  it('lists what is set, ignores, resets; EXIT runs when the shell ends', async () => {
    await expectSh("trap 'echo \"it'\\''s\"' INT TERM; trap '' HUP; trap; trap - INT; trap 1; echo --; trap; trap 'echo bye' EXIT; echo end", {
      stdout: "trap -- '' HUP\ntrap -- 'echo \"it'\\''s\"' INT\ntrap -- 'echo \"it'\\''s\"' TERM\n--\ntrap -- 'echo \"it'\\''s\"' TERM\nend\nbye\n",
    });
  });
  it('an EXIT trap that exits decides the status; a bad signal is an error', async () => {
    await expectSh("trap 'exit 3' EXIT; true", { status: 3 });
    await expectSh('trap "echo x" NOSUCH; echo "status $?"', { stdout: 'status 1\n', stderr: 'sh: trap: NOSUCH: invalid signal specification\n' });
  });
});
