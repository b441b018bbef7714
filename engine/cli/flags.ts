/**
 * Flag parsing with the rules of spf13/pflag, which the docker CLI uses: `--name=value`,
 * `--name value`, combined short flags (`-it`, `-itd`), a value glued to a short flag (`-eK=V`,
 * `-e=K=V`), repeated flags (lists append, scalars keep the last), `--` ends the flags, a lone `-`
 * is an argument, and (for `run`/`exec`, not interspersed) the first argument ends the flags.
 * Error texts are pflag's, so the caller can print them as docker does.
 */
import { ramInBytes } from './units.ts';

export type FlagType = 'bool' | 'string' | 'int' | 'list' | 'bytes';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  usage: string;
  /** Default as the help text shows it; `string` defaults are quoted there. */
  default?: string | number | boolean;
  hidden?: boolean;
  /** Name of the value in help, when not the type's (pflag takes it from `backquotes` in usage). */
  varName?: string;
}

export type FlagValue = boolean | string | number | string[];

export class FlagError extends Error {}

export class FlagValues {
  /** Names (long) of the flags given on the command line. */
  readonly changed = new Set<string>();
  private readonly values = new Map<string, FlagValue>();

  constructor(private readonly specs: FlagSpec[]) {
    for (const spec of specs) {
      if (spec.type === 'list') this.values.set(spec.name, []);
      else if (spec.default !== undefined) this.values.set(spec.name, spec.default);
    }
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }
  string(name: string): string {
    const v = this.values.get(name);
    return v === undefined ? '' : String(v);
  }
  int(name: string): number {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : 0;
  }
  list(name: string): string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }
  has(name: string): boolean {
    return this.changed.has(name);
  }

  set(spec: FlagSpec, raw: string): void {
    this.changed.add(spec.name);
    this.values.set(spec.name, convert(spec, raw, this.values.get(spec.name)));
  }

  spec(name: string): FlagSpec | undefined {
    return this.specs.find((s) => s.name === name);
  }
}

function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function convert(spec: FlagSpec, raw: string, previous: FlagValue | undefined): FlagValue {
  const bad = (detail: string) => new FlagError(`invalid argument "${raw}" for "${flagLabel(spec)}" flag: ${detail}`);
  switch (spec.type) {
    case 'bool': {
      const b = parseGoBool(raw);
      if (b === undefined) throw bad(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
      return b;
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw)) throw bad(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return Number(raw);
    }
    case 'bytes': {
      try {
        return ramInBytes(raw);
      } catch (e) {
        throw bad((e as Error).message);
      }
    }
    case 'list':
      return [...(Array.isArray(previous) ? previous : []), raw];
    default:
      return raw;
  }
}

function parseGoBool(raw: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  return undefined;
}

export interface ParsedFlags {
  flags: FlagValues;
  args: string[];
  /** `--help` was given (parsing stops there, as cobra shows help before checking anything else). */
  help: boolean;
}

/**
 * Parse `argv` against `specs`. `--help` is always known; `-h` means help unless a spec claims it
 * (`run -h` is `--hostname`). Throws FlagError with pflag's message.
 */
export function parseFlags(argv: string[], specs: FlagSpec[], options: { interspersed?: boolean } = {}): ParsedFlags {
  const interspersed = options.interspersed ?? true;
  const flags = new FlagValues(specs);
  const args: string[] = [];
  let help = false;
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));

  let i = 0;
  while (i < argv.length) {
    const a = argv[i++];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      if (!interspersed) {
        args.push(...argv.slice(i));
        break;
      }
      continue;
    }
    if (a.startsWith('--')) {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      if (name === 'help' && !byName.has('help')) {
        help = true;
        continue;
      }
      const spec = byName.get(name);
      if (!spec || name === '') throw new FlagError(name === '' ? `bad flag syntax: ${a}` : `unknown flag: --${name}`);
      if (eq >= 0) flags.set(spec, body.slice(eq + 1));
      else if (spec.type === 'bool') flags.set(spec, 'true');
      else if (i < argv.length) flags.set(spec, argv[i++]);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    // Short flags, possibly combined: -it, -itd, -eK=V, -e=K=V, -e K=V.
    let shorts = a.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0];
      const spec = byShort.get(c);
      if (!spec) {
        if (c === 'h') {
          help = true;
          shorts = shorts.slice(1);
          continue;
        }
        throw new FlagError(`unknown shorthand flag: '${c}' in -${shorts}`);
      }
      if (shorts.length > 2 && shorts[1] === '=') {
        flags.set(spec, shorts.slice(2));
        shorts = '';
      } else if (spec.type === 'bool') {
        flags.set(spec, 'true');
        shorts = shorts.slice(1);
      } else if (shorts.length > 1) {
        flags.set(spec, shorts.slice(1));
        shorts = '';
      } else if (i < argv.length) {
        flags.set(spec, argv[i++]);
        shorts = '';
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
      }
    }
  }
  return { flags, args, help };
}
