/**
 * `docker run nginx` and friends on the real engine core: Docker's own error when the registry
 * lacks the image, then the line naming the images it has (engine/cli/registry-hint.ts).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_IMAGES, missingImageHint } from '../../../engine/cli/registry-hint.ts';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const { host } = boxHosts();

const denied = (name: string) => `pull access denied for ${name}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;
const hint = (name: string) => `This playground's registry has no ${name} image; it has box, greeter, hello-world, httpd, kv, sqlite (httpd is the web server here, kv the key-value store).\n`;

describe('an image this registry lacks', () => {
  it('docker run nginx: Docker\'s words, status 125, then the images there are', async () => {
    const r = await docker((await host()).engine, 'docker run -d -p 8080:80 nginx');
    expect(r).toEqual({
      status: 125,
      stdout: '',
      stderr: `Unable to find image 'nginx:latest' locally\ndocker: Error response from daemon: ${denied('nginx')}.\nSee 'docker run --help'.\n${hint('nginx')}`,
    });
  });

  it('docker pull redis and docker create postgres say the same', async () => {
    const h = await host();
    expect(await docker(h.engine, 'docker pull redis')).toEqual({ status: 1, stdout: 'Using default tag: latest\n', stderr: `Error response from daemon: ${denied('redis')}\n${hint('redis')}` });
    expect(await docker(h.engine, 'docker create postgres:16')).toEqual({
      status: 1,
      stdout: '',
      stderr: `Unable to find image 'postgres:16' locally\nError response from daemon: ${denied('postgres')}\n${hint('postgres')}`,
    });
  });

  it('no hint for a name with a namespace, or for other errors', () => {
    expect(missingImageHint(denied('someone/app'))).toBeUndefined();
    expect(missingImageHint('No such container: web')).toBeUndefined();
  });

  it('names exactly the images images/layouts holds', () => {
    expect([...BUILTIN_IMAGES]).toEqual(readdirSync(new URL('../../../images/layouts', import.meta.url)).sort());
  });
});
