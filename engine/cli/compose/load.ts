/**
 * Finding, reading and checking the compose file as `docker compose` does: the file names it
 * looks for, `.env` beside it, interpolation, then the Compose schema. Errors name the file, the
 * key and the line; the result is the interpolated document with a way back to its lines.
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { ComposeError } from './compose-error.ts';
import { parseEnvFile } from './env-file.ts';
import { interpolateTree } from './interpolate.ts';
import { baseName, dirName, joinPath } from './paths.ts';
import { validateSchema, type LineOf } from './schema.ts';

/** The names Compose looks for, in its order of preference. */
export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

export interface LoadOptions {
  /** `-f` files as typed (relative to the terminal's directory); none: look for the default names. */
  files: string[];
  /** `-p`. */
  projectName?: string;
  /** The terminal's directory as an absolute path: labels and messages show absolute paths. */
  workingDir: string;
  readFile(path: string): Promise<Uint8Array>;
  /** Compose's warnings (`WARN[0000] ...`), one line each. */
  warn(text: string): void;
}

export interface LoadedFile {
  /** The file as the terminal reads it. */
  path: string;
  /** Its absolute path, for labels and messages. */
  absolute: string;
  data: Record<string, unknown>;
  lineOf: LineOf;
}

export interface LoadedProject {
  name: string;
  /** The project directory as the terminal reads it ("." is the terminal's own). */
  dir: string;
  /** Its absolute path (com.docker.compose.project.working_dir). */
  absoluteDir: string;
  file: LoadedFile;
  /** The variables from `.env`. */
  env: Map<string, string | undefined>;
  readFile(path: string): Promise<Uint8Array>;
  warn(text: string): void;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export async function loadProject(options: LoadOptions): Promise<LoadedProject> {
  if (options.files.length > 1) throw new ComposeError('more than one compose file (-f) is not supported here');
  const path = options.files[0] ?? (await findDefault(options));
  const absolute = joinPath(options.workingDir, path);
  let bytes: Uint8Array;
  try {
    bytes = await options.readFile(path);
  } catch {
    throw new ComposeError(`open ${absolute}: no such file or directory`);
  }
  const dir = dirName(path);
  const absoluteDir = dirName(absolute);
  const env = await readDotEnv(options, dir, absoluteDir);
  const { raw, lineOf } = parseYaml(decoder.decode(bytes), absolute);
  const warned = new Set<string>();
  const data = interpolateTree(raw, {
    get: (name) => env.get(name),
    warnUnset: (name) => {
      if (warned.has(name)) return;
      warned.add(name);
      options.warn(`The "${name}" variable is not set. Defaulting to a blank string.`);
    },
  }) as Record<string, unknown>;
  validateSchema(data, absolute, lineOf);
  if ('version' in data) options.warn(`${absolute}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
  const name = projectName(options.projectName ?? env.get('COMPOSE_PROJECT_NAME') ?? (data.name as string | undefined), absoluteDir);
  return { name, dir, absoluteDir, file: { path, absolute, data, lineOf }, env, readFile: options.readFile, warn: options.warn };
}

async function findDefault(options: LoadOptions): Promise<string> {
  const found: string[] = [];
  for (const name of DEFAULT_FILES) {
    try {
      await options.readFile(name);
      found.push(name);
    } catch {
      // Not there: the next name.
    }
  }
  if (!found.length) throw new ComposeError('no configuration file provided: not found');
  if (found.length > 1) {
    const abs = found.map((f) => joinPath(options.workingDir, f));
    options.warn(`Found multiple config files with supported names: ${abs.join(', ')}`);
    options.warn(`Using ${abs[0]}`);
  }
  return found[0];
}

async function readDotEnv(options: LoadOptions, dir: string, absoluteDir: string): Promise<Map<string, string | undefined>> {
  let bytes: Uint8Array;
  try {
    bytes = await options.readFile(joinPath(dir, '.env'));
  } catch {
    return new Map();
  }
  return parseEnvFile(decoder.decode(bytes), joinPath(absoluteDir, '.env'));
}

function parseYaml(text: string, file: string): { raw: Record<string, unknown>; lineOf: LineOf } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = lineCounter.linePos(problem.pos[0]).line;
    const message = problem.message.replace(/ at line \d+, column \d+.*$/s, '');
    throw new ComposeError(`failed to parse ${file}: yaml: ${line ? `line ${line}: ` : ''}${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ComposeError(`failed to parse ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (raw === null || raw === undefined) throw new ComposeError(`${file}: empty compose file`);
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ComposeError(`failed to parse ${file}: Top-level object must be a mapping`);
  const lineOf: LineOf = (path, key) => {
    const node = path.length ? (doc.getIn(path, true) as Node | undefined) : doc.contents;
    let offset = node?.range?.[0];
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      offset = (pair?.key as Node | undefined)?.range?.[0] ?? offset;
    }
    if (offset === undefined && isSeq(node)) offset = node.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return { raw: raw as Record<string, unknown>, lineOf };
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** -p and `name:` must be valid as they are; a directory's name is made valid, as Compose does. */
function projectName(given: string | undefined, absoluteDir: string): string {
  if (given !== undefined && given !== '') {
    if (!PROJECT_NAME.test(given)) {
      throw new ComposeError(`invalid project name "${given}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
    }
    return given;
  }
  const fromDir = baseName(absoluteDir).toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
  if (!fromDir) throw new ComposeError(`project name must not be empty`);
  return fromDir;
}
