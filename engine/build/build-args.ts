import { isEngineError } from '../errors.ts';
import { parseReference } from '../oci/reference.ts';
import { dockerfileError, quoteForMessage } from './dockerfile-error.ts';
import { atLine, checkAddSource } from './dockerfile-parser.ts';
import type {
  ArgDefinition,
  ArgInstruction,
  Dockerfile,
  FromInstruction,
  Instruction,
  ParseOptions,
  Stage,
} from './dockerfile-types.ts';
import { signalNumber } from './signals.ts';
import { ExpansionError, expandWord, expandWords, type Lookup } from './variable-expansion.ts';

/**
 * ARG and ENV scoping, as Docker evaluates a Dockerfile:
 * - ARGs before the first FROM (meta ARGs) are visible in FROM lines only; `ARG name` without a
 *   default inside a stage brings the meta value in;
 * - inside a stage an ARG is visible from its declaration to the end of the stage; ARGs do not
 *   cross into the next stage; ENV values cross into stages built FROM this one;
 * - `--build-arg` overrides an ARG's default (meta or stage); it never creates a variable no ARG
 *   declares, and each one no ARG declares is reported as Docker reports it;
 * - ENV wins over an ARG of the same name wherever both are set (Docker's documented rule);
 * - the pairs of one ENV (or ARGs of one ARG) are all expanded with the values before it.
 */

export interface EvaluateOptions extends ParseOptions {
  /**
   * Environment of a stage's base image (its config's Env as key/value pairs), for the `$PATH` in
   * `ENV PATH=/app:$PATH`. Called for stages built FROM an image (not FROM an earlier stage, which
   * passes on its own ENV). Without it such stages start with an empty environment; a builder
   * evaluates once to learn the base images, pulls them, then evaluates again with this.
   */
  baseEnv?: (from: FromInstruction) => [string, string][] | undefined;
  /**
   * The platforms behind BuildKit's predefined ARGs (TARGETPLATFORM, TARGETOS, TARGETARCH,
   * TARGETVARIANT and the BUILD* ones): visible in FROM lines without a declaration, and in a stage
   * after `ARG TARGETOS`. Both default to `wasi/wasm`, the platform of Dockyard's images.
   */
  targetPlatform?: string;
  buildPlatform?: string;
}

export const DEFAULT_PLATFORM = 'wasi/wasm';

function platformArgs(prefix: 'TARGET' | 'BUILD', platform: string): [string, string][] {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [[`${prefix}PLATFORM`, platform], [`${prefix}OS`, os], [`${prefix}ARCH`, arch], [`${prefix}VARIANT`, variant]];
}

// Docker lets these through without an ARG (proxy settings for RUN) and never calls them unused.
const BUILTIN_BUILD_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

const PORT = /^([0-9]+)(?:-([0-9]+))?(?:\/([A-Za-z]+))?$/;

class Evaluator {
  readonly consumed = new Set<string>();
  readonly meta = new Map<string, string>();

  constructor(
    readonly escape: string,
    readonly buildArgs: Map<string, string>,
    private readonly predefined: Map<string, string>,
  ) {}

  /** What a FROM line sees: the meta ARGs, then the predefined platform ARGs. */
  readonly metaValue = (name: string): string | undefined => this.meta.get(name) ?? this.predefined.get(name);

  /** Expands `word` for the instruction at `at`, naming its line on failure. */
  word(at: Instruction, word: string, lookup: Lookup): string {
    try {
      return expandWord(word, lookup, this.escape);
    } catch (e) {
      throw this.located(at, word, e);
    }
  }

  words(at: Instruction, word: string, lookup: Lookup): string[] {
    try {
      return expandWords(word, lookup, this.escape);
    } catch (e) {
      throw this.located(at, word, e);
    }
  }

  private located(at: Instruction, word: string, e: unknown): unknown {
    if (e instanceof ExpansionError) return dockerfileError(at.line, `failed to process ${quoteForMessage(word)}: ${e.message}`, at.endLine);
    return e;
  }

  /** Resolves the ARGs of one instruction; `fallback` gives the meta value for `ARG name` in a stage. */
  args(at: ArgInstruction, lookup: Lookup, fallback: (name: string) => string | undefined): ArgDefinition[] {
    return at.args.map((def) => {
      this.consumed.add(def.name);
      const dflt = def.default === undefined ? undefined : this.word(at, def.default, lookup);
      const value = this.buildArgs.get(def.name) ?? dflt ?? (def.default === undefined ? fallback(def.name) : undefined);
      return { name: def.name, ...(dflt !== undefined ? { default: dflt } : {}), ...(value !== undefined ? { value } : {}) };
    });
  }
}

function validatePort(at: Instruction, port: string): void {
  const m = PORT.exec(port);
  const bad = (why: string): never => {
    throw dockerfileError(at.line, `invalid port ${quoteForMessage(port)} in EXPOSE: ${why}`, at.endLine);
  };
  if (!m) bad('expected PORT, PORT/PROTOCOL or START-END[/PROTOCOL]');
  const [, start, end, proto] = m as RegExpExecArray;
  const lo = Number(start);
  const hi = end === undefined ? lo : Number(end);
  if (lo < 0 || hi > 65535) bad('port numbers go up to 65535');
  if (hi < lo) bad('the end of the range is below its start');
  if (proto !== undefined && !['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) bad('the protocol must be tcp, udp or sctp');
}

/** An image named by FROM or COPY --from must be a valid reference: say so at its line, not at pull time. */
function checkImageReference(at: Instruction, image: string, what: string): void {
  if (image === 'scratch') return;
  try {
    parseReference(image);
  } catch (e) {
    if (isEngineError(e, 'invalid-argument')) throw dockerfileError(at.line, `${what} ${quoteForMessage(image)}: ${e.message}`, at.endLine);
    throw e;
  }
}

function evaluateStage(ev: Evaluator, stage: Stage, stages: Stage[], finalEnv: Map<string, string>[], names: Map<string, number>, options: EvaluateOptions): Stage {
  const metaLookup: Lookup = ev.metaValue;
  const raw = stage.from;
  const image = ev.word(raw, raw.image, metaLookup);
  if (image === '') throw dockerfileError(raw.line, `base name (${raw.image}) should not be blank`, raw.endLine);
  const from: FromInstruction = { ...raw, image };
  if (raw.platform !== undefined) from.platform = ev.word(raw, raw.platform, metaLookup);
  const base = names.get(image.toLowerCase());
  if (base !== undefined && base < stage.index) from.baseStage = base;
  else checkImageReference(raw, image, 'failed to parse stage name');

  const env = new Map<string, string>(base !== undefined && base < stage.index ? finalEnv[base] : (options.baseEnv?.(from) ?? []));
  const args = new Map<string, string>();
  const lookup: Lookup = (n) => env.get(n) ?? args.get(n);

  const instructions = stage.instructions.map((ins): Instruction => {
    const w = (s: string): string => ev.word(ins, s, lookup);
    switch (ins.kind) {
      case 'ENV': {
        const pairs = ins.pairs.map(([k, v]): [string, string] => [w(k), w(v)]);
        for (const [k, v] of pairs) env.set(k, v);
        return { ...ins, pairs };
      }
      case 'LABEL':
        return { ...ins, pairs: ins.pairs.map(([k, v]): [string, string] => [w(k), w(v)]) };
      case 'ARG': {
        const defs = ev.args(ins, lookup, ev.metaValue);
        for (const d of defs) if (d.value !== undefined) args.set(d.name, d.value);
        return { ...ins, args: defs };
      }
      case 'WORKDIR':
        return { ...ins, path: w(ins.path) };
      case 'USER':
        return { ...ins, user: w(ins.user) };
      case 'STOPSIGNAL': {
        const signal = w(ins.signal);
        if (signalNumber(signal) === undefined) throw dockerfileError(ins.line, `Invalid signal: ${quoteForMessage(signal)}`, ins.endLine);
        return { ...ins, signal };
      }
      case 'EXPOSE': {
        const ports = ins.ports.flatMap((p) => ev.words(ins, p, lookup));
        ports.forEach((p) => validatePort(ins, p));
        return { ...ins, ports };
      }
      case 'VOLUME': {
        const paths = ins.paths.map(w);
        if (paths.some((p) => p === '')) throw dockerfileError(ins.line, 'VOLUME specified can not be an empty string', ins.endLine);
        return { ...ins, paths };
      }
      case 'ADD': {
        const sources = ins.sources.map(w);
        atLine(ins.line, ins.endLine, () => sources.forEach(checkAddSource));
        const out = { ...ins, sources, dest: w(ins.dest) };
        if (ins.chown !== undefined) out.chown = w(ins.chown);
        if (ins.chmod !== undefined) out.chmod = w(ins.chmod);
        return out;
      }
      case 'COPY': {
        const out = { ...ins, sources: ins.sources.map(w), dest: w(ins.dest) };
        if (ins.chown !== undefined) out.chown = w(ins.chown);
        if (ins.chmod !== undefined) out.chmod = w(ins.chmod);
        if (ins.from !== undefined) {
          const ref = w(ins.from);
          out.from = ref;
          const target = /^[0-9]+$/.test(ref) ? Number(ref) : names.get(ref.toLowerCase());
          if (/^[0-9]+$/.test(ref) && (target as number) >= stage.index) {
            throw dockerfileError(ins.line, `invalid from flag value ${ref}: refers to the current or a later build stage`, ins.endLine);
          }
          if (target === stage.index) throw dockerfileError(ins.line, `circular dependency detected on stage: ${ref}`, ins.endLine);
          if (target !== undefined && target < stages.length) out.fromStage = target;
          else checkImageReference(ins, ref, 'invalid from flag value');
        }
        return out;
      }
      default:
        // RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK: the shell expands them, not the builder.
        // ONBUILD: expanded when a build uses this image as its base. MAINTAINER: literal.
        return ins;
    }
  });
  finalEnv[stage.index] = env;
  return { ...stage, from, instructions };
}

/**
 * Applies build args and expands variables where Docker expands them. The input is the result of
 * `parseDockerfileSyntax` (it is not modified); the output has the same shape, the evaluated-only
 * fields filled in, and the "unused build-args" warning appended when there is one.
 */
export function evaluateDockerfile(raw: Dockerfile, options: EvaluateOptions = {}): Dockerfile {
  const predefined = new Map([
    ...platformArgs('TARGET', options.targetPlatform ?? DEFAULT_PLATFORM),
    ...platformArgs('BUILD', options.buildPlatform ?? DEFAULT_PLATFORM),
  ]);
  const ev = new Evaluator(raw.directives.escape, new Map(Object.entries(options.buildArgs ?? {})), predefined);
  const metaArgs = raw.metaArgs.map((ins) => {
    // Meta ARGs see the ones before them, one by one, as BuildKit evaluates them.
    const defs = ins.args.map((def) => {
      const [d] = ev.args({ ...ins, args: [def] }, ev.metaValue, ev.metaValue);
      if (d.value !== undefined) ev.meta.set(d.name, d.value);
      return d;
    });
    return { ...ins, args: defs };
  });
  const names = new Map<string, number>();
  for (const s of raw.stages) if (s.name !== undefined) names.set(s.name, s.index);
  const finalEnv: Map<string, string>[] = [];
  const stages = raw.stages.map((s) => evaluateStage(ev, s, raw.stages, finalEnv, names, options));
  const warnings = [...raw.warnings];
  const unused = [...ev.buildArgs.keys()].filter((k) => !ev.consumed.has(k) && !BUILTIN_BUILD_ARGS.has(k)).sort();
  if (unused.length > 0) warnings.push(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
  return { directives: raw.directives, metaArgs, stages, warnings };
}

/**
 * The ARG part of a RUN step's environment, for a builder walking a stage's evaluated instructions
 * in order: `see` every instruction, and ask `runEnv()` before running a RUN. ARG values are in a
 * RUN's environment but never in the image config; a name set by ENV (or by the base image's Env,
 * given to the constructor) hides the ARG of that name, as everywhere else.
 */
export class RunArgScope {
  private readonly args = new Map<string, string>();
  private readonly envNames: Set<string>;

  constructor(baseEnvNames: Iterable<string> = []) {
    this.envNames = new Set(baseEnvNames);
  }

  see(instruction: Instruction): void {
    if (instruction.kind === 'ARG') {
      for (const d of instruction.args) if (d.value !== undefined) this.args.set(d.name, d.value);
    } else if (instruction.kind === 'ENV') {
      for (const [k] of instruction.pairs) this.envNames.add(k);
    }
  }

  /** `[name, value]` of the ARGs in scope that no ENV hides, in declaration order. */
  runEnv(): [string, string][] {
    return [...this.args].filter(([k]) => !this.envNames.has(k));
  }
}
