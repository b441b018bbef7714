import { spawn, type ChildProcess } from 'node:child_process';
import { EngineError } from '../../engine/errors.ts';
import type { DriverPortBinding } from '../../engine/ports.ts';

/** Go's words for the errors a listener's bind meets (docker-proxy is Go: "bind: address already in use"). */
const BIND_ERRORS: Record<number, string> = {
  13: 'permission denied',
  98: 'address already in use',
  99: 'cannot assign requested address',
};

function family(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** The loopback address the service listens on for a binding's HostIp ('', 0.0.0.0 and :: mean "every address": loopback only here). */
export function listenAddress(hostIp: string, allowed: readonly string[]): string {
  if (hostIp === '' || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::') return '::1';
  if (/^127\.\d+\.\d+\.\d+$/.test(hostIp) || hostIp === '::1' || allowed.includes(hostIp)) return hostIp;
  throw new EngineError('invalid-argument', `cannot publish on ${hostIp}: this service publishes ports on the loopback only (start it with --publish-address ${hostIp} to allow that address)`);
}

/** The message a refused bind gives, as Docker 20.10 words it for the address the user asked for. */
function bindMessage(b: DriverPortBinding, errno: number): string {
  const ip = b.hostIp === '' ? '0.0.0.0' : b.hostIp;
  const where = family(ip) === 6 ? `[${ip}]:${b.hostPort}` : `${ip}:${b.hostPort}`;
  return `Error starting userland proxy: listen ${b.protocol}${family(ip)} ${where}: bind: ${BIND_ERRORS[errno] ?? `errno ${errno}`}`;
}

/**
 * The userland proxy of one container (port-proxy.c): listens on the host's loopback for each
 * published TCP port and connects each client to the container's address inside the service's
 * network namespace. `start` resolves once every listener is bound; a port something else holds
 * rejects with Docker's message and leaves nothing behind.
 */
export class PortProxy {
  #stopped = false;

  private constructor(private readonly child: ChildProcess) {}

  static async start(helper: string, netnsPath: string, target: string, bindings: DriverPortBinding[], allowed: readonly string[]): Promise<PortProxy | undefined> {
    // Guests have TCP sockets only: a UDP binding is recorded (docker port shows it) and carries nothing.
    const tcp = bindings.filter((b) => b.protocol === 'tcp');
    if (tcp.length === 0) return undefined;
    const args = [netnsPath, target, ...tcp.flatMap((b) => [listenAddress(b.hostIp, allowed), String(b.hostPort), String(b.containerPort)])];
    // Its own process group: a stop ends it and every connection it serves at once.
    const child = spawn(helper, args, { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout!.setEncoding('utf8');
      const onData = (d: string): void => {
        out += d;
        if (out.includes('\n')) {
          child.stdout!.off('data', onData);
          resolve(out.slice(0, out.indexOf('\n')));
        }
      };
      child.stdout!.on('data', onData);
      child.on('error', (e) => resolve(`fail spawn ${e.message}`));
      child.on('exit', (code) => resolve(`fail exit ${code}`));
    });
    if (line === 'ready') {
      child.stdout!.resume();
      return new PortProxy(child);
    }
    new PortProxy(child).stop();
    const bind = /^bind (\d+) (\d+)$/.exec(line);
    if (bind) throw new EngineError('conflict', bindMessage(tcp[Number(bind[1])], Number(bind[2])));
    throw new EngineError('internal', `cannot start the userland proxy: ${line}`);
  }

  /** The listeners close and every proxied connection ends (the whole process group goes). */
  stop(): void {
    // Once: a second kill could reach a process group that reused the ID.
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.child.stdin?.destroy();
  }
}
