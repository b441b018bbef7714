import { describe, expect, it } from 'vitest';
import { complete, type CompletionSources } from '../../../web/Terminal/completion.ts';

const sources: CompletionSources = {
  shellCommands: ['cat', 'cd', 'clear', 'docker', 'help', 'history'],
  dockerCommands: ['build', 'images', 'inspect', 'logs', 'run', 'rm', 'rmi', 'exec'],
  dockerGroups: { image: ['ls', 'rm', 'history'], container: ['ls', 'logs', 'run'] },
  images: () => ['box:latest', 'box', 'busybox-like:1'],
  containers: () => ['ticker', 'tender_turing'],
  files: (dir) => (dir === '.' ? ['examples/', 'README.md'] : dir === 'examples/' ? ['greeter/', 'layers/'] : null),
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

  it('offers nothing for flags', () => {
    expect(complete('docker run --na', sources)).toEqual({ replace: 0, text: '', candidates: [] });
  });
});
