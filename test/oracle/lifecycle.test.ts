import { afterAll, beforeEach, describe, expect } from 'vitest';
import { Oracle } from './oracle.ts';
import { oracleIt } from './open-differences.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('container lifecycle', () => {
  oracleIt('create, start, stop, rm by name, and exit codes', async () => {
    await o.same(['create', '--name', 'life', 'box', 'sh', '-c', 'exit 3']);
    await o.same(['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.Command}}']);
    await o.same(['start', '-a', 'life']);
    await o.same(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.Name}} {{.Path}} {{json .Args}}', 'life']);
    await o.same(['ps', '-a', '--format', '{{.Names}} {{.Status}}']);
    await o.same(['rm', 'life']);
    await o.same(['rm', 'life']);
    await o.same(['inspect', 'life']);
  });

  oracleIt('a taken name and a bad name, in Docker\'s words', async () => {
    await o.same(['create', '--name', 'taken', 'box']);
    await o.same(['create', '--name', 'taken', 'box']);
    await o.same(['create', '--name', 'bad name', 'box']);
  });

  oracleIt('rename: the new name everywhere, and Docker\'s refusals', async () => {
    await o.same(['create', '--name', 'before', 'box']);
    await o.same(['create', '--name', 'other', 'box']);
    await o.same(['rename', 'before', 'after']);
    await o.same(['ps', '-a', '--format', '{{.Names}}']);
    await o.same(['inspect', '-f', '{{.Name}}', 'after']);
    await o.same(['rename', 'after', 'after']);
    await o.same(['rename', 'after', 'other']);
    await o.same(['rename', 'after', 'bad name']);
    await o.same(['rename', 'nosuch', 'x']);
    await o.same(['create', '--name', 'before', 'box']);
  });

  oracleIt('run --rm leaves nothing; run -d, stop, start, rm -f', async () => {
    await o.same(['run', '--rm', 'box', 'echo', 'hello oracle']);
    await o.same(['ps', '-aq']);
    await o.same(['run', '-d', '--name', 'sleeper', 'box', 'sleep', '300']);
    await o.same(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}']);
    await o.same(['stop', '-t', '1', 'sleeper']);
    await o.same(['inspect', '-f', '{{.State.Status}} {{.State.Running}}', 'sleeper']);
    await o.same(['rm', '-f', 'sleeper']);
    await o.same(['rm', '-f', 'sleeper']);
  });

  oracleIt('the environment of every container: PATH, HOSTNAME, HOME', async () => {
    await o.same(['run', '--rm', '-h', 'named-host', 'box', 'env']);
    // One -e each: the docker 28 CLI does not always send several in the order given.
    await o.same(['run', '--rm', '-e', 'HOME=/home', 'box', 'env']);
    await o.same(['run', '--rm', '-e', 'HOSTNAME=mine', 'box', 'env']);
    await o.same(['run', '-d', '--name', 'envd', 'box', 'sleep', '300']);
    await o.same(['exec', 'envd', 'env']);
    await o.same(['exec', '-e', 'HOSTNAME=exec', 'envd', 'env']);
    await o.same(['rm', '-f', 'envd']);
  });

  oracleIt('-w creates a missing working directory; a relative one is an error', async () => {
    await o.same(['run', '--rm', '-w', '/new/dir', 'box', 'pwd']);
    await o.same(['create', '--name', 'wd', '-w', '/made/here', 'box', 'pwd']);
    await o.same(['diff', 'wd']);
    await o.same(['run', '--rm', '-w', 'relative', 'box', 'pwd']);
  });

  oracleIt('create -v /path makes an anonymous volume', async () => {
    await o.same(['create', '--name', 'anon', '-v', '/data', 'box']);
    const mounts = await o.same(['inspect', '-f', '{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}} {{.Driver}} {{len .Name}}{{end}}', 'anon']);
    expect(mounts.stdout).toBe('volume /data true local 64\n');
    await o.same(['volume', 'ls', '--format', '{{.Driver}} {{len .Name}}']);
    await o.same(['rm', '-v', 'anon']);
    await o.same(['volume', 'ls', '-q']);
  });
});
