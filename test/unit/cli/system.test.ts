import { describe, expect, it } from 'vitest';
import { docker, fakeEngine, ID_A, IMAGE_ID, imageSummary, summary, volume } from './fake-engine.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const answers = (...lines: string[]) => ({ read: async () => (lines.length ? enc(lines.shift() as string) : null) });

describe('docker version and info', () => {
  it('version shows client and server with aligned keys', async () => {
    const r = await docker(fakeEngine(), 'docker version');
    expect(r.stdout).toContain('Client:\n Version:           0.1.0\n API version:       1.50\n Context:           default\n\nServer:\n Engine:\n');
    expect(r.stdout).toContain('  API version:      1.50 (minimum version 1.24)\n');
    expect(r.stdout).toContain('  OS/Arch:          wasi/wasm\n');
    expect((await docker(fakeEngine(), "docker version -f '{{.Server.Os}}'")).stdout).toBe('wasi\n');
  });

  it('info shows the container counts, memory in binary units and security options', async () => {
    const r = await docker(fakeEngine(), 'docker info');
    expect(r.stdout).toContain('Server:\n Containers: 3\n  Running: 1\n  Paused: 0\n  Stopped: 2\n Images: 4\n');
    expect(r.stdout).toContain(' Total Memory: 1.944GiB\n');
    expect(r.stdout).toContain(' Security Options:\n  seccomp\n   Profile: builtin\n');
    expect((await docker(fakeEngine(), "docker system info --format '{{.NCPU}}'")).stdout).toBe('2\n');
  });
});

describe('docker system df', () => {
  it("prints docker's summary table", async () => {
    const engine = fakeEngine({
      diskUsage: async () => ({
        LayersSize: 16_430_000,
        Images: [imageSummary({ Containers: 1, Size: 4_800_000, SharedSize: 0 }), imageSummary({ Containers: 0, Size: 11_630_000, SharedSize: 0 })],
        Containers: [
          { ...summary(), SizeRw: 12, SizeRootFs: 0 },
          { ...summary({ State: 'exited' }), SizeRw: 200, SizeRootFs: 0 },
        ],
        Volumes: [
          { ...volume('a'), UsageData: { Size: 36, RefCount: 1 } },
          { ...volume('b'), UsageData: { Size: 0, RefCount: 0 } },
        ],
        BuildCache: [],
      }),
    });
    const r = await docker(engine, 'docker system df');
    expect(r.stdout).toBe(
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n' +
        'Images          2         1         16.43MB   11.63MB (70%)\n' +
        'Containers      2         1         212B      200B (94%)\n' +
        'Local Volumes   2         1         36B       0B (0%)\n' +
        'Build Cache     0         0         0B        0B\n',
    );
    const verbose = await docker(engine, 'docker system df -v');
    expect(verbose.stdout).toContain('Images space usage:\n\nREPOSITORY   TAG       IMAGE ID       CREATED       SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS\n');
    expect(verbose.stdout).toContain('Local Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\na             1         36B\n');
  });
});

describe('prune prompts', () => {
  it('system prune without -f prints the warning and, with no input, does nothing', async () => {
    const engine = fakeEngine();
    const r = await docker(engine, 'docker system prune');
    expect(r).toEqual({
      status: 0,
      stdout:
        'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N] \n',
      stderr: '',
    });
    expect(engine.calls.some((c) => c[0] === 'prune')).toBe(false);
  });

  it('-a and --volumes change the warning; "n" cancels', async () => {
    const engine = fakeEngine();
    const r = await docker(engine, 'docker system prune -a --volumes', { stdin: answers('n\n') });
    expect(r.stdout).toContain('  - all anonymous volumes not used by at least one container\n  - all images without at least one container associated to them\n  - all build cache\n');
    expect(engine.calls.some((c) => c[0] === 'prune')).toBe(false);
  });

  it('"y" prunes and reports what went', async () => {
    const engine = fakeEngine({
      prune: async () => ({ ContainersDeleted: [ID_A], ImagesDeleted: [{ Untagged: 'box:latest' }, { Deleted: IMAGE_ID }], VolumesDeleted: ['v1'], SpaceReclaimed: 1_234_567 }),
    });
    const r = await docker(engine, 'docker system prune --volumes', { stdin: answers('y', '\n') });
    expect(r.stdout.split('[y/N] ')[1]).toBe(
      `Deleted Containers:\n${ID_A}\n\nDeleted Volumes:\nv1\n\nDeleted Images:\nuntagged: box:latest\ndeleted: ${IMAGE_ID}\n\nTotal reclaimed space: 1.235MB\n`,
    );
    expect(engine.calls.find((c) => c[0] === 'prune')).toEqual(['prune', { all: false, volumes: true }]);
  });

  it('-f skips the prompt', async () => {
    const r = await docker(fakeEngine(), 'docker system prune -f');
    expect(r.stdout).toBe('Total reclaimed space: 0B\n');
  });

  it("the prunes print the engine's report as docker does (the rules: test/unit/core/prune.test.ts)", async () => {
    const engine = fakeEngine({
      pruneContainers: async () => ({ ContainersDeleted: ['b'.repeat(64)], SpaceReclaimed: 2500 }),
      pruneImages: async (o) => ({ ImagesDeleted: o?.all ? [{ Untagged: 'box:latest' }, { Deleted: IMAGE_ID }] : [], SpaceReclaimed: o?.all ? 1000 : 0 }),
      pruneVolumes: async (o) => ({ VolumesDeleted: o?.all ? ['named', 'c0ffee'] : ['c0ffee'], SpaceReclaimed: o?.all ? 2010 : 2000 }),
    });
    expect((await docker(engine, 'docker container prune -f')).stdout).toBe(`Deleted Containers:\n${'b'.repeat(64)}\n\nTotal reclaimed space: 2.5kB\n`);
    expect((await docker(engine, 'docker image prune -f')).stdout).toBe('Total reclaimed space: 0B\n');
    expect((await docker(engine, 'docker image prune -af')).stdout).toBe(`Deleted Images:\nuntagged: box:latest\ndeleted: ${IMAGE_ID}\n\nTotal reclaimed space: 1kB\n`);
    expect((await docker(engine, 'docker volume prune -f')).stdout).toBe('Deleted Volumes:\nc0ffee\n\nTotal reclaimed space: 2kB\n');
    expect((await docker(engine, 'docker volume prune -af')).stdout).toBe('Deleted Volumes:\nnamed\nc0ffee\n\nTotal reclaimed space: 2.01kB\n');
    expect(engine.calls.filter((c) => String(c[0]).startsWith('prune')).map((c) => c[0])).toEqual(['pruneContainers', 'pruneImages', 'pruneImages', 'pruneVolumes', 'pruneVolumes']);
  });
});
