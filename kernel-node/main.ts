/**
 * `npm run kernel`: the Dockyard kernel service. Runs the playground's images as real Linux
 * containers (overlayfs + runc) behind the Docker Engine API, on a unix socket (0600) and on
 * loopback TCP with a per-start token.
 *
 *   npm run kernel -- [--data-root DIR] [--socket PATH] [--port N] [--images DIR] [--allow-origin URL]... [--playground URL]
 *                     [--publish-address IP]...
 *
 * The playground's origin is allowed (CORS, Origin check) when given by --playground or
 * --allow-origin, or by DOCKYARD_PLAYGROUND / DOCKYARD_ALLOW_ORIGIN (comma-separated). The start
 * banner prints a link that opens that playground connected: the token rides in the URL fragment,
 * which browsers never send to a server (web/Connect/connect-link.ts reads it).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { newToken, TOKEN_HEADER, type GuardOptions } from './http/guard.ts';
import { apiServer, listenLoopback, listenUnix } from './http/server.ts';
import { openKernelHost } from './kernel-host.ts';
import { preflight } from './preflight.ts';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));

const { values } = parseArgs({
  options: {
    'data-root': { type: 'string', default: process.env.DOCKYARD_DATA_ROOT ?? '/var/lib/dockyard' },
    socket: { type: 'string' },
    port: { type: 'string', default: process.env.DOCKYARD_PORT ?? '2377' },
    images: { type: 'string', default: join(repo, 'images', 'layouts') },
    'allow-origin': { type: 'string', multiple: true, default: (process.env.DOCKYARD_ALLOW_ORIGIN ?? '').split(',').map((o) => o.trim()).filter(Boolean) },
    // Where the playground is served: its origin is allowed and the banner links to it.
    playground: { type: 'string', default: process.env.DOCKYARD_PLAYGROUND ?? 'http://localhost:5173/' },
    runc: { type: 'string', default: 'runc' },
    // A non-loopback host address `docker run -p ADDR:...` may publish on (ports stay on loopback otherwise).
    'publish-address': { type: 'string', multiple: true, default: [] },
  },
});

const problems = await preflight(values.runc);
if (problems.length) {
  console.error('dockyard kernel service cannot start:');
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}

const dataRoot = values['data-root']!;
const socketPath = values.socket ?? join(dataRoot, 'dockyard.sock');
const host = await openKernelHost({ dataRoot, imagesDir: values.images!, runc: values.runc, publishAddresses: values['publish-address'] });
if (host.cleanup.containers.length || host.cleanup.mounts.length || host.cleanup.cgroups.length) {
  console.log(`cleaned up after the last run: ${host.cleanup.containers.length} runc containers, ${host.cleanup.mounts.length} mounts, ${host.cleanup.cgroups.length} cgroups`);
}
if (host.repaired.length) console.log(`repaired: ${host.repaired.join(', ')}`);
if (host.runtime.root.consoleRelay.problem) console.log(`warning: docker run -t will fail: ${host.runtime.root.consoleRelay.problem}`);
if (host.runtime.root.socketCalls.problem) console.log(`warning: containers' programs have no sockets (ENETDOWN): ${host.runtime.root.socketCalls.problem}`);
if (host.runtime.root.spareMounts.problem) console.log(`warning: no warm spare container, every run starts runc and Node first (slower): ${host.runtime.root.spareMounts.problem}`);

const token = newToken();
const playground = new URL(values.playground!);
const allowedOrigins = [...new Set([playground.origin, ...values['allow-origin']!])];
const served = { engine: host.engine, registry: host.localRegistry, registryName: 'localhost' };
const unix = apiServer(served, { allowedOrigins });
await listenUnix(unix, socketPath);
const tcpGuard: GuardOptions = { allowedOrigins, token, port: Number(values.port) };
const tcp = apiServer(served, tcpGuard);
const port = await listenLoopback(tcp, Number(values.port));
// Read at every request: with --port 0 the Host check needs the port actually bound.
tcpGuard.port = port;
// `docker push/pull 127.0.0.1:PORT/x` through the engine reaches the same registry, in process.
host.serveRegistryAs([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);

console.log(`dockyard kernel service
  data root:   ${dataRoot}
  unix socket: ${socketPath}   (root only; no token needed)
    DOCKER_HOST=unix://${socketPath} docker run --rm hello-world
  tcp:         http://127.0.0.1:${port}   (loopback only; token required)
  token:       ${token}
    mkdir -p ~/.dockyard-docker && echo '{"HttpHeaders":{"${TOKEN_HEADER}":"${token}"}}' > ~/.dockyard-docker/config.json
    DOCKER_CONFIG=~/.dockyard-docker DOCKER_HOST=tcp://127.0.0.1:${port} docker version
  registry:    http://127.0.0.1:${port}/v2/   (same token: HTTP Basic password with any user name, or Bearer)
    docker push 127.0.0.1:${port}/box:1.0   (through this service: no credentials needed)
    skopeo copy --src-tls-verify=false --src-creds x:${token} docker://127.0.0.1:${port}/box:1.0 oci:box-oci:1.0
  ports:       docker run -p publishes on this machine's loopback (127.0.0.1, ::1)${values['publish-address']!.length ? `, and on ${values['publish-address']!.join(', ')}` : ''}; containers cannot reach this machine
  open the playground connected to this service:
    ${playground.origin}${playground.pathname}#connect=http://127.0.0.1:${port}&token=${token}
  playground origins allowed: ${allowedOrigins.length ? allowedOrigins.join(', ') : '(none: pass --allow-origin URL)'}`);

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  unix.close();
  tcp.close();
  await host.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
