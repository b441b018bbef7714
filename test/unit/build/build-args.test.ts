import { describe, expect, it } from 'vitest';
import { RunArgScope, parseDockerfile } from '../../../engine/build/dockerfile.ts';
import type { Dockerfile, Instruction } from '../../../engine/build/dockerfile-types.ts';

/** Every ENV pair of every stage, in order: the easiest place to see what a variable expanded to. */
function envs(df: Dockerfile): Record<string, string>[] {
  return df.stages.map((s) => Object.fromEntries(s.instructions.flatMap((i: Instruction) => (i.kind === 'ENV' ? i.pairs : []))));
}
const parse = (lines: string[], buildArgs?: Record<string, string>) => parseDockerfile(lines.join('\n'), { buildArgs });

describe('ARGs before the first FROM (meta ARGs)', () => {
  it('are usable in FROM lines, image and --platform', () => {
    const df = parse(['ARG REPO=box', 'ARG TAG=1.0', 'ARG PLAT=wasi/wasm', 'FROM --platform=$PLAT ${REPO}:${TAG:-latest}']);
    expect(df.stages[0].from).toMatchObject({ image: 'box:1.0', platform: 'wasi/wasm' });
  });

  it('are not visible inside a stage', () => {
    expect(envs(parse(['ARG V=1', 'FROM box', 'ENV X=$V']))).toEqual([{ X: '' }]);
  });

  it('come into a stage that re-declares them without a default', () => {
    expect(envs(parse(['ARG V=1', 'FROM box', 'ARG V', 'ENV X=$V']))).toEqual([{ X: '1' }]);
  });

  it('lose to a default given inside the stage', () => {
    expect(envs(parse(['ARG V=1', 'FROM box', 'ARG V=2', 'ENV X=$V']))).toEqual([{ X: '2' }]);
  });

  it('see the meta ARGs declared before them', () => {
    const df = parse(['ARG A=x', 'ARG B=${A}y C=${B}z', 'FROM box:$C']);
    expect(df.stages[0].from.image).toBe('box:xyz');
  });

  it('take --build-arg values, also for an ARG without default', () => {
    const df = parse(['ARG TAG=1.0', 'ARG REPO', 'FROM ${REPO:-box}:$TAG', 'ARG TAG', 'ENV T=$TAG'], { TAG: '2.0', REPO: 'mirror/box' });
    expect(df.stages[0].from.image).toBe('mirror/box:2.0');
    expect(envs(df)).toEqual([{ T: '2.0' }]);
    expect(df.metaArgs.map((m) => m.args[0])).toEqual([
      { name: 'TAG', default: '1.0', value: '2.0' },
      { name: 'REPO', value: 'mirror/box' },
    ]);
  });
});

describe('ARGs inside a stage', () => {
  it('are visible from their declaration on, not before', () => {
    expect(envs(parse(['FROM box', 'ENV BEFORE=$A', 'ARG A=1', 'ENV AFTER=$A']))).toEqual([{ BEFORE: '', AFTER: '1' }]);
  });

  it('do not cross into the next stage, even one built FROM this one', () => {
    const df = parse(['FROM box AS one', 'ARG A=1', 'ENV E=env', 'FROM one', 'ENV X=$A Y=$E']);
    expect(envs(df)[1]).toEqual({ X: '', Y: 'env' });
  });

  it('record their effective value, for the builder to put into RUN\'s environment', () => {
    const df = parse(['FROM box', 'ARG A=1', 'ARG B', 'ARG C', 'RUN echo $A'], { A: 'cli', C: 'c' });
    const [a, b, c] = df.stages[0].instructions;
    expect([a, b, c]).toMatchObject([{ args: [{ name: 'A', default: '1', value: 'cli' }] }, { args: [{ name: 'B' }] }, { args: [{ name: 'C', value: 'c' }] }]);
    expect((b as { args: object[] }).args[0]).not.toHaveProperty('value');
  });

  it('expand their defaults with what is in scope', () => {
    const df = parse(['FROM box', 'ENV HOME=/root', 'ARG DIR=$HOME/src', 'WORKDIR $DIR']);
    expect(df.stages[0].instructions[2]).toMatchObject({ kind: 'WORKDIR', path: '/root/src' });
  });
});

describe('ENV and ARG of the same name', () => {
  it('ENV wins over an ARG declared before it, whatever --build-arg says', () => {
    const df = parse(['FROM box', 'ARG V=arg', 'ENV V=env', 'ENV X=$V'], { V: 'cli' });
    expect(envs(df)[0]).toEqual({ V: 'env', X: 'env' });
  });

  it('ENV wins over an ARG declared after it', () => {
    expect(envs(parse(['FROM box', 'ENV V=env', 'ARG V=arg', 'ENV X=$V']))[0]).toEqual({ V: 'env', X: 'env' });
  });

  it('one ENV expands all its pairs with the values from before it, as Docker does', () => {
    expect(envs(parse(['FROM box', 'ENV A=old', 'ENV A=new B=$A']))[0]).toEqual({ A: 'new', B: 'old' });
  });
});

describe('where expansion happens', () => {
  it('expands COPY/ADD sources, destination and flags, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL', () => {
    const df = parse(
      [
        'FROM box AS build',
        'FROM box',
        'ARG STAGE=build SRC=app DEST=/opt OWNER=1000 PORTS="80 443" SIG=TERM',
        'COPY --from=$STAGE --chown=${OWNER}:${OWNER} $SRC ${DEST}/',
        'ADD --chmod=${MODE:-644} $SRC.tar $DEST',
        'WORKDIR $DEST',
        'USER ${OWNER}',
        'LABEL owner=$OWNER "quoted key"="$SRC" single=\'$SRC\'',
        'EXPOSE $PORTS 8080',
        'VOLUME $DEST/data',
        'STOPSIGNAL SIG$SIG',
      ],
    );
    expect(df.stages[1].instructions.slice(1)).toMatchObject([
      { kind: 'COPY', from: 'build', fromStage: 0, chown: '1000:1000', sources: ['app'], dest: '/opt/' },
      { kind: 'ADD', chmod: '644', sources: ['app.tar'], dest: '/opt' },
      { kind: 'WORKDIR', path: '/opt' },
      { kind: 'USER', user: '1000' },
      { kind: 'LABEL', pairs: [['owner', '1000'], ['quoted key', 'app'], ['single', '$SRC']] },
      { kind: 'EXPOSE', ports: ['80', '443', '8080'] },
      { kind: 'VOLUME', paths: ['/opt/data'] },
      { kind: 'STOPSIGNAL', signal: 'SIGTERM' },
    ]);
  });

  it('leaves RUN, CMD, ENTRYPOINT (both forms), SHELL, HEALTHCHECK and ONBUILD to the shell or to later', () => {
    const lines = ['FROM box', 'ARG A=1', 'RUN echo $A', 'RUN ["echo", "$A"]', 'CMD echo ${A}', 'ENTRYPOINT ["$A"]', 'SHELL ["$A"]', 'HEALTHCHECK CMD $A', 'ONBUILD ENV X=$A'];
    const df = parse(lines);
    expect(df.stages[0].instructions.slice(1)).toEqual(df.raw?.stages[0].instructions.slice(1));
  });

  it('refuses ADD of a URL that only appears after expansion', () => {
    expect(() => parse(['FROM box', 'ARG URL=https://example.com/a', 'ADD $URL /a'])).toThrow('dockerfile parse error on line 3: ADD from a URL');
  });

  it('resolves COPY --from by stage index and leaves image references alone', () => {
    const df = parse(['FROM box', 'FROM box', 'COPY --from=0 /a /a', 'COPY --from=box:1 /b /b']);
    expect(df.stages[1].instructions).toMatchObject([{ from: '0', fromStage: 0 }, { from: 'box:1' }]);
    expect(df.stages[1].instructions[1]).not.toHaveProperty('fromStage');
  });
});

describe('the base image environment', () => {
  it('is empty unless the caller gives it; then `ENV PATH=/app:$PATH` sees it', () => {
    const src = 'FROM box\nENV PATH=/app:$PATH';
    expect(envs(parseDockerfile(src))[0]).toEqual({ PATH: '/app:' });
    const df = parseDockerfile(src, { baseEnv: (from) => (from.image === 'box' ? [['PATH', '/bin']] : undefined) });
    expect(envs(df)[0]).toEqual({ PATH: '/app:/bin' });
  });

  it('of a stage built FROM an earlier stage is that stage\'s ENV', () => {
    const df = parseDockerfile('FROM box AS base\nENV P=/a\nFROM base\nENV P=$P:/b', { baseEnv: () => [['P', '/ignored']] });
    expect(envs(df)).toEqual([{ P: '/a' }, { P: '/a:/b' }]);
  });
});

describe('the predefined platform ARGs', () => {
  it('are visible in FROM without a declaration, as wasi/wasm unless told otherwise', () => {
    const df = parse(['FROM --platform=$BUILDPLATFORM box:$TARGETOS-$TARGETARCH']);
    expect(df.stages[0].from).toMatchObject({ platform: 'wasi/wasm', image: 'box:wasi-wasm' });
    const other = parseDockerfile('FROM box:$TARGETARCH$TARGETVARIANT', { targetPlatform: 'linux/arm/v7' });
    expect(other.stages[0].from.image).toBe('box:armv7');
  });

  it('come into a stage only with `ARG NAME`', () => {
    expect(envs(parse(['FROM box', 'ENV A=$TARGETPLATFORM', 'ARG TARGETPLATFORM', 'ENV B=$TARGETPLATFORM']))[0]).toEqual({ A: '', B: 'wasi/wasm' });
  });
});

describe('unused build args', () => {
  it('are reported in Docker\'s words, sorted', () => {
    const df = parse(['ARG USED', 'FROM box', 'ARG ALSO'], { zeta: '1', USED: 'x', ALSO: 'y', alpha: '2' });
    expect(df.warnings).toEqual(['[Warning] One or more build-args [alpha zeta] were not consumed']);
  });

  it('leave out the proxy variables Docker allows without an ARG', () => {
    expect(parse(['FROM box'], { HTTP_PROXY: 'x', no_proxy: 'y' }).warnings).toEqual([]);
  });

  it('never become variables without an ARG', () => {
    expect(envs(parse(['FROM box', 'ENV X=$SECRET'], { SECRET: 's' }))[0]).toEqual({ X: '' });
  });
});

describe('RunArgScope: the ARGs a RUN step sees', () => {
  it('holds the ARGs with a value so far, minus names ENV or the base image set', () => {
    const df = parse(['FROM box', 'ARG A=1', 'ARG B', 'ARG C=3', 'ARG P=p', 'RUN one', 'ENV C=env', 'ARG D=4', 'RUN two'], { B: 'cli' });
    const scope = new RunArgScope(['P']);
    const seen: [string, string][][] = [];
    for (const ins of df.stages[0].instructions) {
      if (ins.kind === 'RUN') seen.push(scope.runEnv());
      scope.see(ins);
    }
    expect(seen).toEqual([
      [['A', '1'], ['B', 'cli'], ['C', '3']],
      [['A', '1'], ['B', 'cli'], ['D', '4']],
    ]);
  });
});
