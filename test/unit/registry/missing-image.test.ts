/**
 * Pulling what the built-in registry does not have reads as Docker says it, on both hosts (they
 * share OciLayoutRegistry): a missing repository is "pull access denied ... repository does not
 * exist", a missing tag "manifest unknown". A static host that answers every path with the site's
 * page (index.html) must read as "not there", never as a layout; a web server that is not a
 * registry is named as such, not reported as a JSON parse error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runDocker } from '../../../engine/cli/index.ts';
import { missingImageHint } from '../../../engine/cli/registry-hint.ts';
import type { Engine } from '../../../engine/engine.ts';
import { isEngineError } from '../../../engine/errors.ts';
import { DistributionClient } from '../../../engine/registry/distribution-client.ts';
import { OciLayoutRegistry } from '../../../engine/registry/oci-layout-registry.ts';
import { files, Layout } from '../core/support/oci-fixtures.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';

const hosts: TestHost[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

function layoutWithBox(): Layout {
  const layout = new Layout();
  layout.add('box', { tag: 'latest', layers: [{ entries: files({ 'bin/x': 'x' }) }] });
  return layout;
}

async function docker(engine: Engine, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runDocker(engine, argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

const DENIED = "Error response from daemon: pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n";
// After Docker's words, the playground names what its registry has (engine/cli/registry-hint.ts).
const HINT = `${missingImageHint(DENIED)}\n`;

describe('docker pull of an image the built-in registry lacks', () => {
  it("a missing repository: Docker's 'pull access denied', exit 1", async () => {
    const h = makeHost({ layout: layoutWithBox() });
    hosts.push(h);
    const r = await docker(h.engine, ['pull', 'nosuchimage']);
    expect(r).toEqual({ status: 1, stdout: 'Using default tag: latest\n', stderr: DENIED + HINT });
  });

  it("a missing tag of a repository it has: 'manifest unknown', exit 1", async () => {
    const h = makeHost({ layout: layoutWithBox() });
    hosts.push(h);
    const r = await docker(h.engine, ['pull', 'box:nosuchtag']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Error response from daemon: manifest for box:nosuchtag not found: manifest unknown: manifest unknown\n');
  });

  it('docker run of a missing image: the same words after "Unable to find image", exit 125', async () => {
    const h = makeHost({ layout: layoutWithBox() });
    hosts.push(h);
    const r = await docker(h.engine, ['run', '--rm', 'nosuchimage']);
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`Unable to find image 'nosuchimage:latest' locally\ndocker: ${DENIED.trimEnd()}.\nSee 'docker run --help'.\n${HINT}`);
  });

  it("a host answering every path with the site's page: not there, not an 'invalid layout'", async () => {
    const page = new TextEncoder().encode('<!doctype html>\n<html><head><title>Dockyard</title></head></html>\n');
    const registry = new OciLayoutRegistry({ readFile: async () => page });
    let error: unknown;
    try {
      await registry.getManifest('docker.io', 'library/nosuchimage', 'latest');
    } catch (e) {
      error = e;
    }
    expect(isEngineError(error, 'not-found')).toBe(true);
    expect((error as Error).message).toBe(DENIED.slice('Error response from daemon: '.length, -1));
  });
});

describe('a registry address that is a web site, not a registry', () => {
  it('its page is refused as a manifest, saying what it is', async () => {
    const page = '<!doctype html><html><body>Dockyard</body></html>';
    const client = new DistributionClient({ fetch: async () => new Response(page, { status: 200, headers: { 'Content-Type': 'text/html' } }) });
    let error: unknown;
    try {
      await client.getManifest('localhost:4173', 'team/app', 'latest');
    } catch (e) {
      error = e;
    }
    expect(isEngineError(error, 'invalid-content')).toBe(true);
    expect((error as Error).message).toBe('manifest for localhost:4173/team/app:latest: localhost:4173 answered with a web page, not a manifest (it does not serve the registry API)');
  });
});
