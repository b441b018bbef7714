import { describe, expect, it } from 'vitest';
import { parseDockerfile, parseDockerfileSyntax } from '../../../engine/build/dockerfile.ts';
import type { Instruction } from '../../../engine/build/dockerfile-types.ts';
import { expectDockerfileError } from './dockerfile-error-helper.ts';

/** The instructions of stage 0 after FROM, evaluated. */
const body = (src: string, buildArgs?: Record<string, string>): Instruction[] => parseDockerfile(`FROM box\n${src}`, { buildArgs }).stages[0].instructions;
const one = (src: string): Instruction => {
  const all = body(src);
  expect(all).toHaveLength(1);
  return all[0];
};

describe('parseDockerfile: a whole file', () => {
  it('gives directives, meta ARGs, stages and plain instruction objects', () => {
    const df = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG VERSION=1.0',
        'FROM --platform=wasi/wasm box:${VERSION} AS Build',
        'WORKDIR /src',
        'COPY . .',
        'RUN make',
        '',
        'from build',
        'copy --from=build /src/app /app',
        'ENTRYPOINT ["/app"]',
      ].join('\n'),
    );
    expect(df.directives).toEqual({ escape: '\\', syntax: 'docker/dockerfile:1' });
    expect(df.metaArgs).toEqual([{ kind: 'ARG', line: 2, endLine: 2, original: 'ARG VERSION=1.0', args: [{ name: 'VERSION', default: '1.0', value: '1.0' }] }]);
    expect(df.warnings).toEqual([]);
    expect(df.stages).toEqual([
      {
        name: 'build',
        index: 0,
        from: { kind: 'FROM', line: 3, endLine: 3, original: 'FROM --platform=wasi/wasm box:${VERSION} AS Build', image: 'box:1.0', platform: 'wasi/wasm', name: 'build' },
        instructions: [
          { kind: 'WORKDIR', line: 4, endLine: 4, original: 'WORKDIR /src', path: '/src' },
          { kind: 'COPY', line: 5, endLine: 5, original: 'COPY . .', sources: ['.'], dest: '.' },
          { kind: 'RUN', line: 6, endLine: 6, original: 'RUN make', form: 'shell', args: ['make'] },
        ],
      },
      {
        index: 1,
        from: { kind: 'FROM', line: 8, endLine: 8, original: 'from build', image: 'build', baseStage: 0 },
        instructions: [
          { kind: 'COPY', line: 9, endLine: 9, original: 'copy --from=build /src/app /app', sources: ['/src/app'], dest: '/app', from: 'build', fromStage: 0 },
          { kind: 'ENTRYPOINT', line: 10, endLine: 10, original: 'ENTRYPOINT ["/app"]', form: 'exec', args: ['/app'] },
        ],
      },
    ]);
  });

  it('keeps the unexpanded parse in `raw`, and parseDockerfileSyntax gives it alone', () => {
    const src = 'ARG T=1\nFROM box:$T\nENV A=$T';
    const df = parseDockerfile(src);
    expect(df.stages[0].from.image).toBe('box:1');
    expect(df.raw?.stages[0].from.image).toBe('box:$T');
    expect(df.raw).toEqual(parseDockerfileSyntax(src));
    expect(parseDockerfileSyntax(src).stages[0].instructions[0]).toMatchObject({ kind: 'ENV', pairs: [['A', '$T']] });
  });
});

describe('instructions, as written -> as parsed', () => {
  it.each<[string, Partial<Instruction>]>([
    // RUN / CMD / ENTRYPOINT: shell form is one string, never expanded; exec form is the array.
    ['RUN echo $HOME "quoted"  spaced', { kind: 'RUN', form: 'shell', args: ['echo $HOME "quoted"  spaced'] }],
    ['run ["/bin/echo", "$HOME"]', { kind: 'RUN', form: 'exec', args: ['/bin/echo', '$HOME'] }],
    ['RUN [ "a" ,"b" ]', { kind: 'RUN', form: 'exec', args: ['a', 'b'] }],
    ['RUN [not, json]', { kind: 'RUN', form: 'shell', args: ['[not, json]'] }],
    ['CMD ["a", 4', { kind: 'CMD', form: 'shell', args: ['["a", 4'] }],
    ['CMD []', { kind: 'CMD', form: 'exec', args: [] }],
    ['Cmd echo hi', { kind: 'CMD', form: 'shell', args: ['echo hi'] }],
    ['ENTRYPOINT ["/bin/sh", "-c"]', { kind: 'ENTRYPOINT', form: 'exec', args: ['/bin/sh', '-c'] }],
    ['ENTRYPOINT exec top -b', { kind: 'ENTRYPOINT', form: 'shell', args: ['exec top -b'] }],
    // COPY / ADD
    ['COPY a b c /dest/', { kind: 'COPY', sources: ['a', 'b', 'c'], dest: '/dest/' }],
    ['COPY ["a b", "/dest dir/"]', { kind: 'COPY', sources: ['a b'], dest: '/dest dir/' }],
    ['COPY --chown=1000:1000 --chmod=755 --link a /b', { kind: 'COPY', sources: ['a'], dest: '/b', chown: '1000:1000', chmod: '755' }],
    ['COPY --from=docker.io/library/box:1 /bin/sh /bin/', { kind: 'COPY', from: 'docker.io/library/box:1', sources: ['/bin/sh'], dest: '/bin/' }],
    ['ADD --chown=app app.tar /opt/', { kind: 'ADD', sources: ['app.tar'], dest: '/opt/', chown: 'app' }],
    // ENV / LABEL, both forms
    ['ENV A=1 B="two words" C=three\\ words D=\'$lit\'', { kind: 'ENV', pairs: [['A', '1'], ['B', 'two words'], ['C', 'three words'], ['D', '$lit']] }],
    ['ENV LEGACY a value  with spaces', { kind: 'ENV', pairs: [['LEGACY', 'a value  with spaces']] }],
    ['ENV LEGACY "quoted value"', { kind: 'ENV', pairs: [['LEGACY', 'quoted value']] }],
    ['ENV EMPTY=', { kind: 'ENV', pairs: [['EMPTY', '']] }],
    ['ENV X="a=b"', { kind: 'ENV', pairs: [['X', 'a=b']] }],
    ['LABEL "com.example.vendor"="ACME Inc" version=1.0', { kind: 'LABEL', pairs: [['com.example.vendor', 'ACME Inc'], ['version', '1.0']] }],
    ['LABEL description This text illustrates', { kind: 'LABEL', pairs: [['description', 'This text illustrates']] }],
    // ARG
    ['ARG NAME', { kind: 'ARG', args: [{ name: 'NAME' }] }],
    ['ARG NAME=default', { kind: 'ARG', args: [{ name: 'NAME', default: 'default', value: 'default' }] }],
    ['ARG A=1 B C="x y"', { kind: 'ARG', args: [{ name: 'A', default: '1', value: '1' }, { name: 'B' }, { name: 'C', default: 'x y', value: 'x y' }] }],
    ['ARG EMPTY=', { kind: 'ARG', args: [{ name: 'EMPTY', default: '', value: '' }] }],
    // the rest
    ['WORKDIR /a b', { kind: 'WORKDIR', path: '/a b' }],
    ['WORKDIR "/quoted dir"', { kind: 'WORKDIR', path: '/quoted dir' }],
    ['EXPOSE 80 443/tcp 53/UDP 8000-8010/udp', { kind: 'EXPOSE', ports: ['80', '443/tcp', '53/UDP', '8000-8010/udp'] }],
    ['USER app:staff', { kind: 'USER', user: 'app:staff' }],
    ['VOLUME /data /logs', { kind: 'VOLUME', paths: ['/data', '/logs'] }],
    ['VOLUME ["/data", "/var/my logs"]', { kind: 'VOLUME', paths: ['/data', '/var/my logs'] }],
    ['STOPSIGNAL SIGKILL', { kind: 'STOPSIGNAL', signal: 'SIGKILL' }],
    ['STOPSIGNAL term', { kind: 'STOPSIGNAL', signal: 'term' }],
    ['STOPSIGNAL SIGRTMIN+3', { kind: 'STOPSIGNAL', signal: 'SIGRTMIN+3' }],
    ['STOPSIGNAL 9', { kind: 'STOPSIGNAL', signal: '9' }],
    ['SHELL ["/bin/sh", "-ec"]', { kind: 'SHELL', args: ['/bin/sh', '-ec'] }],
    ['MAINTAINER Jane <jane@example.com>', { kind: 'MAINTAINER', maintainer: 'Jane <jane@example.com>' }],
    ['HEALTHCHECK NONE', { kind: 'HEALTHCHECK', none: true }],
    [
      'HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5s --start-interval=500ms --retries=3 CMD ["/bin/check", "-q"]',
      { kind: 'HEALTHCHECK', none: false, form: 'exec', args: ['/bin/check', '-q'], interval: 30e9, timeout: 90e9, startPeriod: 1.5e9, startInterval: 5e8, retries: 3 },
    ],
    ['HEALTHCHECK cmd check || exit 1', { kind: 'HEALTHCHECK', none: false, form: 'shell', args: ['check || exit 1'] }],
    ['ONBUILD RUN make $TARGET', { kind: 'ONBUILD', trigger: 'RUN make $TARGET', instruction: { kind: 'RUN', line: 2, endLine: 2, original: 'RUN make $TARGET', form: 'shell', args: ['make $TARGET'] } }],
    ['ONBUILD COPY --from=x $SRC /d', { kind: 'ONBUILD', trigger: 'COPY --from=x $SRC /d' }],
  ])('%s', (src, expected) => {
    expect(one(src)).toMatchObject({ line: 2, original: src, ...expected });
  });

  it('takes instruction names in any case', () => {
    expect(body('rUn a\nEnV A=1\nworkdir /w').map((i) => i.kind)).toEqual(['RUN', 'ENV', 'WORKDIR']);
  });

  it('records a FROM stage name lowercased and --platform as given', () => {
    const df = parseDockerfile('FROM --platform=linux/amd64 box AS My-Stage.1\nFROM my-stage.1');
    expect(df.stages[0]).toMatchObject({ name: 'my-stage.1', from: { platform: 'linux/amd64', image: 'box' } });
    expect(df.stages[1].from.baseStage).toBe(0);
  });

  it('finds a stage named in FROM whatever its case, and takes FROM scratch', () => {
    const df = parseDockerfile('FROM scratch AS base\nFROM BASE');
    expect(df.stages.map((s) => s.from)).toMatchObject([{ image: 'scratch' }, { image: 'BASE', baseStage: 0 }]);
  });

  it('does not treat FROM of a later stage name as a stage', () => {
    const df = parseDockerfile('FROM later\nFROM box AS later');
    expect(df.stages[0].from.baseStage).toBeUndefined();
  });
});

describe('errors name the line', () => {
  const at = (lines: string[]) => lines.join('\n');

  it('unknown instruction, with the line number and a suggestion as BuildKit gives', () => {
    const src = at(['FROM box', '', '# comment', 'RUN a \\', '  b', '', 'FORM x']);
    expect(expectDockerfileError(() => parseDockerfile(src), 7)).toBe('dockerfile parse error on line 7: unknown instruction: FORM (did you mean from?)');
    expect(expectDockerfileError(() => parseDockerfile('FROM box\nFOOBARBAZ x'), 2)).toBe('dockerfile parse error on line 2: unknown instruction: FOOBARBAZ');
  });

  it.each<[string, string[], number, string]>([
    ['FROM with two words', ['FROM box other'], 1, 'FROM requires either one or three arguments'],
    ['FROM with a bad AS', ['FROM box IS x'], 1, 'FROM requires either one or three arguments'],
    ['a stage name starting with a digit', ['FROM box AS 1st'], 1, 'invalid name for build stage: "1st", name can\'t start with a number or contain symbols'],
    ['a duplicate stage name', ['FROM box AS a', 'RUN x', 'FROM box AS A'], 3, 'duplicate stage name "a"'],
    ['an instruction before FROM', ['ARG A', 'RUN x', 'FROM box'], 2, 'no build stage in current context'],
    ['only ARGs', ['ARG A', 'ARG B'], 2, 'dockerfile contains no stages to build'],
    ['an empty file', ['# just a comment', ''], 1, 'file with no instructions'],
    ['a non-string JSON array', ['FROM box', 'RUN x', 'CMD ["a", 42]'], 3, 'when using JSON array syntax, arrays must be comprised of strings only'],
    ['a non-string JSON array in COPY', ['FROM box', 'COPY ["a", 1, "/d"]'], 2, 'arrays must be comprised of strings only'],
    ['RUN without a command', ['FROM box', 'RUN'], 2, 'RUN requires at least one argument'],
    ['CMD without a command', ['FROM box', 'CMD   '], 2, 'CMD requires at least one argument'],
    ['COPY with one argument', ['FROM box', 'COPY a'], 2, 'COPY requires at least two arguments, but only one was provided. Destination could not be determined.'],
    ['ADD of a URL', ['FROM box', 'ADD https://example.com/x.tgz /x'], 2, 'ADD from a URL or git repository is not supported: "https://example.com/x.tgz" (download it into the build context and COPY it)'],
    ['ADD of a git repository', ['FROM box', 'ADD git@github.com:a/b.git /src'], 2, 'ADD from a URL or git repository is not supported'],
    ['ADD --from', ['FROM box', 'ADD --from=x a /b'], 2, 'unknown flag: from'],
    ['ENV without =', ['FROM box', 'ENV A=1 B'], 2, 'Syntax error - can\'t find = in "B". Must be of the form: name=value'],
    ['ENV with one word', ['FROM box', 'ENV A'], 2, 'ENV must have two arguments'],
    ['ENV with a blank name', ['FROM box', 'ENV =x'], 2, 'ENV names can not be blank'],
    ['LABEL with nothing', ['FROM box', 'LABEL'], 2, 'LABEL requires at least one argument'],
    ['ARG with a blank name', ['FROM box', 'ARG =x'], 2, 'ARG names can not be blank'],
    ['an unknown flag', ['FROM box', 'COPY --form=x a b'], 2, 'unknown flag: form'],
    ['a flag on an instruction without flags', ['FROM box', 'ENV --x=1'], 2, 'unknown flag: x'],
    ['a duplicate flag', ['FROM box', 'COPY --chown=a --chown=b a b'], 2, 'duplicate flag specified: chown'],
    ['a flag without its value', ['FROM box', 'COPY --from a b'], 2, 'missing a value on flag: from'],
    ['a bad boolean flag', ['FROM box', 'COPY --link=maybe a b'], 2, 'expecting boolean value for flag link, not: maybe'],
    ['RUN --mount', ['FROM box', 'RUN --mount=type=cache,target=/c make'], 2, 'RUN --mount is not supported'],
    ['a heredoc', ['FROM box', 'RUN <<EOF', 'echo hi', 'EOF'], 2, 'heredoc'],
    ['SHELL in shell form', ['FROM box', 'SHELL /bin/sh -c'], 2, 'SHELL requires the arguments to be in JSON form'],
    ['HEALTHCHECK of an unknown type', ['FROM box', 'HEALTHCHECK RUN x'], 2, 'Unknown type "RUN" in HEALTHCHECK (try CMD)'],
    ['HEALTHCHECK NONE with a command', ['FROM box', 'HEALTHCHECK NONE x'], 2, 'HEALTHCHECK NONE takes no arguments'],
    ['HEALTHCHECK CMD without a command', ['FROM box', 'HEALTHCHECK --interval=5s CMD'], 2, 'Missing command after HEALTHCHECK CMD'],
    ['HEALTHCHECK with a bad duration', ['FROM box', 'HEALTHCHECK --interval=5 CMD x'], 2, 'invalid duration for --interval: "5"'],
    ['HEALTHCHECK with a tiny interval', ['FROM box', 'HEALTHCHECK --interval=10us CMD x'], 2, '--interval cannot be less than 1ms'],
    ['HEALTHCHECK with negative retries', ['FROM box', 'HEALTHCHECK --retries=-1 CMD x'], 2, '--retries cannot be negative (-1)'],
    ['ONBUILD ONBUILD', ['FROM box', 'ONBUILD ONBUILD RUN x'], 2, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['ONBUILD FROM', ['FROM box', 'ONBUILD FROM x'], 2, 'FROM isn\'t allowed as an ONBUILD trigger'],
    ['ONBUILD of an unknown instruction', ['FROM box', 'ONBUILD FORM x'], 2, 'unknown instruction: FORM'],
    ['WORKDIR without a path', ['FROM box', 'WORKDIR'], 2, 'WORKDIR requires exactly one argument'],
    ['EXPOSE of a name', ['FROM box', 'EXPOSE http'], 2, 'invalid port "http" in EXPOSE'],
    ['EXPOSE of a bad protocol', ['FROM box', 'EXPOSE 80/icmp'], 2, 'the protocol must be tcp, udp or sctp'],
    ['EXPOSE past 65535', ['FROM box', 'EXPOSE 70000'], 2, 'port numbers go up to 65535'],
    ['STOPSIGNAL of an unknown signal', ['FROM box', 'STOPSIGNAL SIGTREM'], 2, 'Invalid signal: "SIGTREM"'],
    ['STOPSIGNAL 0', ['FROM box', 'ARG S=0', 'STOPSIGNAL $S'], 3, 'Invalid signal: "0"'],
    ['VOLUME that expands to nothing', ['FROM box', 'VOLUME $NOTHING'], 2, 'VOLUME specified can not be an empty string'],
    ['FROM that expands to nothing', ['ARG BASE', 'FROM $BASE'], 2, 'base name ($BASE) should not be blank'],
    ['FROM of an invalid image reference', ['ARG NAME=Box', 'FROM $NAME'], 2, 'failed to parse stage name "Box": invalid reference format: repository name (Box) must be lowercase'],
    ['COPY --from of an invalid image reference', ['FROM box', 'COPY --from=a//b x y'], 2, 'invalid from flag value "a//b": invalid reference format'],
    ['COPY --from of the current stage index', ['FROM box', 'COPY --from=0 a b'], 2, 'invalid from flag value 0: refers to the current or a later build stage'],
    ['COPY --from of its own stage name', ['FROM box AS me', 'COPY --from=me a b'], 2, 'circular dependency detected on stage: me'],
    ['${} in a continued instruction', ['FROM box', 'ENV A=1 \\', '  B=${}'], 2, 'failed to process "${}": syntax error: bad substitution'],
    ['unterminated ${', ['FROM box', 'RUN ok', 'WORKDIR /a/${HOME'], 3, 'failed to process "/a/${HOME": syntax error: missing \'}\''],
    ['an unterminated quote in COPY', ['FROM box', 'COPY "my file" /x'], 2, 'unexpected end of statement while looking for matching double-quote'],
  ])('%s', (_name, lines, line, message) => {
    expectDockerfileError(() => parseDockerfile(at(lines)), line, message);
  });

  it('names the first line of a continued instruction and gives the last in details', () => {
    let err: unknown;
    try {
      parseDockerfile('FROM box\nCOPY \\\n  a\n');
    } catch (e) {
      err = e;
    }
    expect((err as { details: unknown }).details).toEqual({ line: 2, endLine: 3 });
  });
});
