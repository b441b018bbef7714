import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

const STAGES = ['FROM box AS base', 'RUN echo base > /stage', 'FROM base AS second', 'RUN echo second >> /stage', 'FROM box', 'RUN echo last > /stage', ''].join('\n');

describe('build', () => {
  oracleIt('a few instructions: step output, image config, history', async () => {
    const ctx = o.context('basic', {
      Dockerfile: ['FROM box', 'ENV GREETING=hello', 'WORKDIR /app', 'COPY note.txt .', 'RUN cat note.txt > copy.txt', 'LABEL tier=demo', 'EXPOSE 8080', 'CMD ["cat", "copy.txt"]', ''].join('\n'),
      'note.txt': 'a note\n',
    });
    await o.same(['build', '-t', 'basic', ctx]);
    await o.same(['run', '--rm', 'basic']);
    await o.same(['inspect', '-f', '{{json .Config.Env}} {{.Config.WorkingDir}} {{json .Config.Cmd}} {{json .Config.Labels}} {{json .Config.ExposedPorts}}', 'basic']);
    await o.same(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'basic']);
    await o.same(['build', '-q', '-t', 'basic', ctx]);
  });

  oracleIt('--target builds only up to that stage', async () => {
    const ctx = o.context('stages', { Dockerfile: STAGES });
    await o.same(['build', '--target', 'base', '-t', 'staged', ctx]);
    await o.same(['run', '--rm', 'staged', 'cat', '/stage']);
    await o.same(['build', '--target', 'second', '-t', 'staged', ctx]);
    await o.same(['run', '--rm', 'staged', 'cat', '/stage']);
    await o.same(['build', '--target', 'nosuch', ctx]);
  });

  oracleIt('a failing RUN exits with its own status', async () => {
    const ctx = o.context('failing', { Dockerfile: 'FROM box\nRUN echo before\nRUN exit 3\nRUN echo never\n' });
    await o.same(['build', ctx]);
    const missing = o.context('missing', { Dockerfile: 'FROM box\nRUN no-such-program\n' });
    await o.same(['build', missing]);
  });

  oracleIt('SHELL, HEALTHCHECK and ONBUILD are recorded in the image config', async () => {
    const ctx = o.context('config', {
      Dockerfile: ['FROM box', 'SHELL ["/bin/echo", "via"]', 'RUN shell form', 'SHELL ["/bin/sh", "-c"]', 'HEALTHCHECK --interval=5s --retries=2 CMD true', 'ONBUILD RUN echo child', ''].join('\n'),
    });
    await o.same(['build', '-t', 'configured', ctx]);
    await o.same(['inspect', '-f', '{{json .Config.Shell}} {{json .Config.Healthcheck}} {{json .Config.OnBuild}}', 'configured']);
    await o.same(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'configured']);
    const child = o.context('child', { Dockerfile: 'FROM configured\nRUN echo own\n' });
    await o.same(['build', '-t', 'child', child]);
    await o.same(['inspect', '-f', '{{json .Config.OnBuild}} {{json .Config.Healthcheck}}', 'child']);
    const off = o.context('off', { Dockerfile: 'FROM configured\nHEALTHCHECK NONE\n' });
    await o.same(['build', '-t', 'off', off]);
    await o.same(['inspect', '-f', '{{json .Config.Healthcheck}}', 'off']);
  });

  oracleIt('a symbolic link in the context is sent as a link', async () => {
    const unused = o.context('links-unused', { Dockerfile: 'FROM box\nRUN true\n', 'link': { link: 'nowhere' } });
    await o.same(['build', '-q', unused]);
    const copied = o.context('links-copied', { Dockerfile: 'FROM box\nCOPY . /ctx\nRUN ls -l /ctx/inner > /listing\n', 'real.txt': 'x\n', 'inner': { link: 'real.txt' } });
    await o.same(['build', '-t', 'linked', copied]);
    await o.same(['run', '--rm', 'linked', 'readlink', '/ctx/inner']);
  });

  oracleIt('errors: a bad instruction, a missing file, no Dockerfile', async () => {
    await o.same(['build', o.context('bad-instruction', { Dockerfile: 'FROM box\nFOO bar\n' })]);
    await o.same(['build', o.context('missing-file', { Dockerfile: 'FROM box\nCOPY nothere /x\n' })]);
    await o.same(['build', o.context('no-dockerfile', { 'note.txt': 'x\n' })]);
    await o.same(['build', '-f', 'Other', o.context('no-other', { Dockerfile: 'FROM box\n' })]);
  });
});
