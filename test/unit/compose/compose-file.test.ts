/**
 * Reading a compose file as `docker compose config` does: which file, `.env`, interpolation,
 * the schema, the keys this engine refuses, and hostile files - each in Compose's words with the
 * file, the key and the line. No engine is involved: `config` only loads.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import { compose } from './workspace-io.ts';

const noEngine = {} as Engine;
const config = (files: Record<string, string>, line = 'config') => compose(noEngine, files, line);
const FILE = '/home/learner/hits/compose.yaml';

describe('which file', () => {
  it('takes compose.yaml first, warns about a second name, and says when there is none', async () => {
    const one = await config({ 'docker-compose.yml': 'services:\n  a:\n    image: box\n' }, 'config --services');
    expect(one).toMatchObject({ status: 0, stdout: 'a\n', stderr: '' });
    const both = await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n', 'docker-compose.yml': 'services:\n  b:\n    image: box\n' }, 'config --services');
    expect(both.stdout).toBe('a\n');
    expect(both.stderr).toBe(
      `WARN[0000] Found multiple config files with supported names: ${FILE}, /home/learner/hits/docker-compose.yml\nWARN[0000] Using ${FILE}\n`,
    );
    expect(await config({}, 'ps')).toMatchObject({ status: 1, stderr: 'no configuration file provided: not found\n' });
    const missing = await config({}, '-f other.yaml config');
    expect(missing).toMatchObject({ status: 1, stderr: 'open /home/learner/hits/other.yaml: no such file or directory\n' });
  });

  it('-f in a folder makes that folder the project directory; -p and name: set the project name', async () => {
    const files = { 'app/my.yaml': 'services:\n  web:\n    build: .\n', 'app/Dockerfile': 'FROM box\n' };
    const out = await config(files, '-f app/my.yaml config');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('name: app\n');
    expect(out.stdout).toContain('context: /home/learner/hits/app\n');
    expect(out.stdout).toContain('image: app-web\n');
    expect((await config({ 'compose.yaml': 'name: shop\nservices:\n  a:\n    image: box\n' })).stdout).toMatch(/^name: shop\n/);
    expect((await config({ 'compose.yaml': 'name: shop\nservices:\n  a:\n    image: box\n' }, '-p other config')).stdout).toMatch(/^name: other\n/);
    const bad = await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n' }, '-p My_App config');
    expect(bad).toMatchObject({ status: 1 });
    expect(bad.stderr).toBe('invalid project name "My_App": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number\n');
    const odd = await compose(noEngine, { 'compose.yaml': 'services:\n  a:\n    image: box\n' }, 'config', { workingDir: '/home/learner/My App.v2' });
    expect(odd.stdout).toMatch(/^name: myappv2\n/);
  });
});

describe('variables', () => {
  it('.env, defaults, $$, a warning once per unset variable, and a required one missing', async () => {
    const files = {
      '.env': '# settings\nTAG=1.0\nexport PORT="8080"\nGREETING=\'hello $world\'\n',
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: box:${TAG}',
        '    ports: ["${PORT}:80"]',
        '    environment:',
        '      GREETING: ${GREETING}',
        '      MODE: ${MODE:-dev}',
        '      EMPTY: ${NOPE}',
        '      AGAIN: $NOPE',
        '      PRICE: $$5',
        '      NESTED: ${MISSING:-${TAG}-x}',
        '',
      ].join('\n'),
    };
    const out = await config(files);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('WARN[0000] The "NOPE" variable is not set. Defaulting to a blank string.\n');
    expect(out.stdout).toContain('image: box:1.0\n');
    expect(out.stdout).toContain('published: "8080"\n');
    expect(out.stdout).toContain('GREETING: hello $world\n');
    expect(out.stdout).toContain('MODE: dev\n');
    expect(out.stdout).toContain('EMPTY: ""\n');
    expect(out.stdout).toContain('PRICE: $5\n');
    expect(out.stdout).toContain('NESTED: 1.0-x\n');
    const required = await config({ 'compose.yaml': 'services:\n  web:\n    image: ${IMAGE:?set IMAGE to the image to run}\n' });
    expect(required).toMatchObject({ status: 1, stderr: 'required variable IMAGE is missing a value: set IMAGE to the image to run\n' });
    const broken = await config({ 'compose.yaml': 'services:\n  web:\n    image: "box${"\n' });
    expect(broken).toMatchObject({ status: 1, stderr: 'invalid interpolation format for services.web.image: "box${"; you may need to escape any $ with another $\n' });
  });

  it('env_file and environment: the file first, environment wins; a missing env_file is named', async () => {
    const files = { 'web.env': 'A=from-file\nB=file\n', 'compose.yaml': 'services:\n  web:\n    image: box\n    env_file: web.env\n    environment: [B=env, C]\n' };
    const out = await config(files);
    expect(out.stdout).toContain('environment:\n      A: from-file\n      B: env\n');
    expect(out.stdout).not.toContain('C:');
    const missing = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    env_file: nope.env\n' });
    expect(missing).toMatchObject({ status: 1, stderr: 'env file /home/learner/hits/nope.env not found: stat /home/learner/hits/nope.env: no such file or directory\n' });
  });
});

describe('bad files', () => {
  it('invalid YAML names the file and the line', async () => {
    const out = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n   ports: [80\n' });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^failed to parse \/home\/learner\/hits\/compose\.yaml: yaml: line 4: .+\n$/);
    const dup = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    image: other\n' });
    expect(dup.stderr).toMatch(/^failed to parse \/home\/learner\/hits\/compose\.yaml: yaml: line 4: map keys must be unique/);
    expect((await config({ 'compose.yaml': '- a\n- b\n' })).stderr).toBe(`failed to parse ${FILE}: Top-level object must be a mapping\n`);
    expect((await config({ 'compose.yaml': '# nothing\n' })).stderr).toBe(`${FILE}: empty compose file\n`);
  });

  it('schema violations name the key path and its line', async () => {
    const typo = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    comand: echo hi\n' });
    expect(typo).toMatchObject({ status: 1, stderr: `validating ${FILE}: services.web additional properties 'comand' not allowed (line 4)\n` });
    const wrongType = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    ports: 80\n' });
    expect(wrongType.stderr).toBe(`validating ${FILE}: services.web.ports must be a list (line 4)\n`);
    const condition = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    depends_on:\n      kv:\n        condition: service_ready\n  kv:\n    image: box\n' });
    expect(condition.stderr).toBe(
      `validating ${FILE}: services.web.depends_on.kv.condition must be one of the following: "service_started", "service_healthy", "service_completed_successfully" (line 6)\n`,
    );
    const duration = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    healthcheck:\n      interval: 5 sec\n' });
    expect(duration.stderr).toBe(`validating ${FILE}: services.web.healthcheck.interval '5 sec' is not a valid duration (line 5)\n`);
    const top = await config({ 'compose.yaml': 'services: {}\nservice:\n  web: {}\n' });
    expect(top.stderr).toBe(`validating ${FILE}: (root) additional properties 'service' not allowed (line 2)\n`);
  });

  it('keys of the specification this engine cannot honour are refused by name, with the line', async () => {
    const privileged = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    privileged: true\n' });
    expect(privileged).toMatchObject({ status: 1, stderr: `services.web.privileged is not supported here (line 4 of ${FILE})\n` });
    const bind = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    volumes:\n      - ./site:/var/www\n' });
    expect(bind.stderr).toBe(`services.web.volumes.0 ("./site:/var/www": bind mounts of host paths; use a named volume) is not supported here (line 5 of ${FILE})\n`);
    const restart = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    restart: always\n' });
    expect(restart.stderr).toBe(`services.web.restart "always" (this engine does not restart containers) is not supported here (line 4 of ${FILE})\n`);
    expect((await config({ 'compose.yaml': 'services:\n  web:\n    image: box\n    restart: "no"\n' })).status).toBe(0);
    const secrets = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\nsecrets:\n  s:\n    file: ./s.txt\n' });
    expect(secrets.stderr).toBe(`secrets is not supported here (line 4 of ${FILE})\n`);
    const driver = await config({ 'compose.yaml': 'services:\n  web:\n    image: box\nnetworks:\n  front:\n    driver: overlay\n' });
    expect(driver.stderr).toBe(`networks.front.driver "overlay" (only bridge networks) is not supported here (line 6 of ${FILE})\n`);
    const version = await config({ 'compose.yaml': 'version: "3.8"\nservices:\n  web:\n    image: box\n' });
    expect(version.stderr).toBe(`WARN[0000] ${FILE}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion\n`);
  });

  it('undefined references and depends_on cycles in Compose words', async () => {
    const cycle = await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n    depends_on: [b]\n  b:\n    image: box\n    depends_on: [c]\n  c:\n    image: box\n    depends_on: [a]\n' });
    expect(cycle).toMatchObject({ status: 1, stderr: 'dependency cycle detected: a -> b -> c -> a\n' });
    const self = await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n    depends_on: [a]\n' });
    expect(self.stderr).toBe('dependency cycle detected: a -> a\n');
    expect((await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n    depends_on: [db]\n' })).stderr).toBe('service "a" depends on undefined service "db": invalid compose project\n');
    expect((await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n    networks: [front]\n' })).stderr).toBe('service "a" refers to undefined network front: invalid compose project\n');
    expect((await config({ 'compose.yaml': 'services:\n  a:\n    image: box\n    volumes: [data:/data]\n' })).stderr).toBe('service "a" refers to undefined volume data: invalid compose project\n');
    expect((await config({ 'compose.yaml': 'services:\n  a:\n    environment: [A=1]\n' })).stderr).toBe('service "a" has neither an image nor a build context specified: invalid compose project\n');
  });

  it('a 1 MB compose file loads whole; an alias bomb is refused', async () => {
    const services = Array.from({ length: 2100 }, (_, i) => `  svc${i}:\n    image: box\n    command: ["sh", "-c", "echo ${'x'.repeat(400)}"]\n    labels:\n      n: "${i}"\n`);
    const big = `services:\n${services.join('')}`;
    expect(big.length).toBeGreaterThan(1_000_000);
    const out = await config({ 'compose.yaml': big }, 'config --services');
    expect(out.status).toBe(0);
    expect(out.stdout.split('\n').length - 1).toBe(2100);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`), 'services: {}'].join('\n');
    const refused = await config({ 'compose.yaml': bomb });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^failed to parse \/home\/learner\/hits\/compose\.yaml: /);
  });
});
