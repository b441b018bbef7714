/**
 * The browser side of the parity suite: `window.parity.docker(db, argv, options)` runs one docker
 * command through engine/cli's `runDocker` on the browser engine (connectLocalEngine, the worker
 * the playground uses) and returns what a terminal would have shown. The Node side runs the same
 * argv through the same `runDocker` on a DockerApiEngine pointed at the kernel service.
 * Not part of the playground: built only by test/parity/vite.parity.config.ts.
 */
import { runDocker } from '../../../engine/cli/index.ts';
import type { Engine } from '../../../engine/engine.ts';
import { connectLocalEngine } from '../../../worker/connect.ts';
import { registryAuth, shareRegistryCredentials } from '../../../web/Connect/registry-credentials.ts';
import { folderIO, type DockerOptions, type DockerResult } from '../docker-result.ts';

const engines = new Map<string, Engine>();

function engineFor(db: string): Engine {
  let engine = engines.get(db);
  if (!engine) engines.set(db, (engine = connectLocalEngine({ db })));
  return engine;
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function docker(db: string, argv: string[], options: DockerOptions = {}): Promise<DockerResult> {
  let stdout = '';
  let stderr = '';
  let input = options.stdin === undefined ? null : new TextEncoder().encode(options.stdin);
  const code = await runDocker(engineFor(db), argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    ...(options.stdin === undefined
      ? {}
      : {
          stdin: {
            async read() {
              const chunk = input;
              input = null;
              return chunk;
            },
          },
        }),
    now: options.now === undefined ? undefined : () => options.now!,
    // The playground's terminal hands the CLI the page's logins (web/Terminal/docker-runner.ts).
    registryAuth,
    ...folderIO(options, fromBase64),
  });
  return { code, stdout, stderr };
}

// As the playground does once connected: the page's CLI logs in to the kernel service's registry.
const shareKernel = (url: string, token: string) => shareRegistryCredentials({ url, token });

Object.assign(window, { parity: { docker, engine: engineFor, shareKernel, isolated: crossOriginIsolated } });
document.getElementById('status')!.textContent = 'ready';
