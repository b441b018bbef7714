import { spawn } from 'node:child_process';

/**
 * Run iproute2's `ip` on a list of commands in one process (`ip [-n NETNS] -batch -`): a run's
 * wiring is a few ms of one process rather than one per command. Rejects with ip's own message
 * on the first command that fails (ip stops there), or with `keepGoing` (removals: whatever is
 * already gone) runs them all (`-force`).
 */
export function ipBatch(lines: string[], netns?: string, keepGoing = false): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  return ip([...(netns ? ['-n', netns] : []), ...(keepGoing ? ['-force'] : []), '-batch', '-'], lines.join('\n') + '\n');
}

/** One `ip` command outside any batch (`netns add`/`del` switch the process's own namespace). */
export function ipCommand(args: string[]): Promise<void> {
  return ip(args);
}

function ip(args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || `exit ${code}`}`))));
    if (child.stdin) {
      // ip may stop reading at a failed command: its message is the error, not the broken pipe.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}
