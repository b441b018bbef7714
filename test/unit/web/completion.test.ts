import { describe, expect, it } from 'vitest';
import { complete, type CompletionSources } from '../../../web/Terminal/completion.ts';

const sources: CompletionSources = {
  shellCommands: ['cat', 'cd', 'clear', 'docker', 'help', 'history'],
  dockerCommands: ['build', 'images', 'inspect', 'logs', 'run', 'rm', 'rmi', 'exec'],
  dockerGroups: { image: ['ls', 'rm', 'history'], container: ['ls', 'logs', 'run'] },
  images: () => ['box:latest', 'box', 'busybox-like:1'],
  containers: () => ['ticker', 'tender_turing'],
  files: (dir) => (dir === '.' ? ['examples/', 'README.md'] : dir === 'examples/' ? ['greeter/', 'layers/'] : null),
  dockerFlags: (path) =>
    path.join(' ') === 'run' || path.join(' ') === 'container run'
      ? [{ long: 'detach', short: 'd', value: false }, { long: 'interactive', short: 'i', value: false }, { long: 'name', value: true }, { long: 'publish', short: 'p', value: true }, { long: 'tty', short: 't', value: false }]
      : path.join(' ') === 'logs' ? [{ long: 'follow', short: 'f', value: false }] : [],
};

describe('tab completion', () => {
  it('completes a unique command and adds a space', () => {
    expect(complete('hel', sources)).toEqual({ replace: 3, text: 'help ', candidates: [] });
  });

  it('extends to the common prefix, then lists the candidates', () => {
    expect(complete('c', sources)).toEqual({ replace: 1, text: 'c', candidates: ['cat', 'cd', 'clear'] });
    expect(complete('docker r', sources)).toEqual({ replace: 1, text: 'r', candidates: ['rm', 'rmi', 'run'] });
  });

  it('offers image names where docker takes an image, container names where it takes a container', () => {
    expect(complete('docker run -it bo', sources)).toEqual({ replace: 2, text: 'box', candidates: [] });
    expect(complete('docker run -it box', sources).candidates).toEqual(['box', 'box:latest']);
    expect(complete('docker logs -f ti', sources)).toMatchObject({ text: 'ticker ' });
    expect(complete('docker exec te', sources)).toMatchObject({ text: 'tender_turing ' });
    expect(complete('docker image rm busy', sources)).toMatchObject({ text: 'busybox-like:1 ' });
    expect(complete('docker container lo', sources)).toMatchObject({ text: 'logs ' });
  });

  it('completes workspace paths, folders without the trailing space', () => {
    expect(complete('cd ex', sources)).toEqual({ replace: 2, text: 'examples/', candidates: [] });
    expect(complete('cd examples/gr', sources)).toEqual({ replace: 11, text: 'examples/greeter/', candidates: [] });
    expect(complete('docker build R', sources)).toEqual({ replace: 0, text: '', candidates: [] }); // build takes folders
  });

  it("completes a docker command's flags, and lists them after a lone -", () => {
    expect(complete('docker run --na', sources)).toEqual({ replace: 4, text: '--name ', candidates: [] });
    expect(complete('docker container run --de', sources)).toMatchObject({ text: '--detach ' });
    expect(complete('docker logs -', sources)).toEqual({ replace: 1, text: '--', candidates: [] });
    expect(complete('docker logs --', sources)).toEqual({ replace: 2, text: '--', candidates: ['--follow', '--help'] });
    expect(complete('docker run --', sources).candidates).toEqual(['--detach', '--help', '--interactive', '--name', '--publish', '--tty']);
  });

  it("skips a flag's value: the image after --name web, nothing for the value itself", () => {
    expect(complete('docker run -d --name web bo', sources)).toMatchObject({ text: 'box' });
    expect(complete('docker run -dp 8080:80 bo', sources)).toMatchObject({ text: 'box' });
    expect(complete('docker run --name=web -it bo', sources)).toMatchObject({ text: 'box' });
    expect(complete('docker run --name ', sources)).toEqual({ replace: 0, text: '', candidates: [] });
    // After the image, run's arguments are the container's command: no image names.
    expect(complete('docker run -it box s', sources)).toEqual({ replace: 0, text: '', candidates: [] });
  });
});
