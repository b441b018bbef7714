/**
 * The parsed form of a Dockerfile: what the image builder consumes.
 *
 * Two layers share these types:
 * - `parseDockerfileSyntax` (dockerfile-parser.ts) gives the file as written: no variable expanded.
 * - `parseDockerfile` (dockerfile.ts) gives the same shape with variables expanded where Docker
 *   expands them, build args applied, and the evaluated-only fields (marked below) filled in.
 *   Its `raw` field keeps the unexpanded parse.
 *
 * Lines are 1-based. `line` is the first physical line of an instruction, `endLine` its last (they
 * differ when the instruction is continued with the escape character). `original` is the instruction
 * as written with continuations joined, comments inside it dropped and the escape characters removed:
 * what Docker prints in "Step 2/5 : RUN ..." and what history's `created_by` is made from.
 *
 * What is accepted, and what is refused (always with an error naming the line):
 * - all of Docker's instructions are parsed: FROM RUN CMD ENTRYPOINT COPY ADD ENV ARG WORKDIR LABEL
 *   EXPOSE USER VOLUME STOPSIGNAL SHELL HEALTHCHECK ONBUILD MAINTAINER, names in any case;
 * - flags: FROM --platform; COPY --from --chown --chmod --link; ADD --chown --chmod --link; the
 *   HEALTHCHECK durations and --retries. `--link` is accepted and has no effect (it only changes
 *   BuildKit's caching). Any other flag is "unknown flag", as in Docker; RUN --mount/--network/
 *   --security are refused with a message saying a WASI build step has none of those;
 * - ADD takes local sources only: URLs and git sources are refused (also when they come from a
 *   variable). Unpacking local tar archives, as Docker's ADD does, is the builder's business;
 * - heredocs (`RUN <<EOF`, `COPY <<EOF`) are refused; so are `${a#p}`, `${a%p}`, `${a/p/r}`;
 * - exec vs shell form as Docker: a valid JSON array of strings is exec form, text that is not
 *   valid JSON is shell form, and a valid JSON array holding a non-string (`["a", 42]`) is
 *   Docker's error "when using JSON array syntax, arrays must be comprised of strings only".
 */

export interface Directives {
  /** The escape character: `\` (default) or a backtick from `# escape=`. */
  escape: string;
  /** `# syntax=` is recorded and otherwise ignored (there is no frontend image to run). */
  syntax?: string;
}

export interface Dockerfile {
  directives: Directives;
  /** ARGs before the first FROM: usable in FROM lines only, or in a stage that re-declares them. */
  metaArgs: ArgInstruction[];
  stages: Stage[];
  /** Human-readable warnings, Docker's wording where Docker has one (unused build args, ...). */
  warnings: string[];
  /** The same file before any variable expansion (only on the result of `parseDockerfile`). */
  raw?: Dockerfile;
}

export interface Stage {
  /** The `AS name` of the stage, lowercased as Docker does. */
  name?: string;
  /** 0-based position; `COPY --from=1` refers to it. */
  index: number;
  from: FromInstruction;
  /** The instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
}

interface Base {
  line: number;
  endLine: number;
  original: string;
}

/** Shell form keeps the command as one string for `/bin/sh -c` (or SHELL); exec form is the JSON array. */
export type CommandForm = 'shell' | 'exec';

export interface FromInstruction extends Base {
  kind: 'FROM';
  /** The image reference or the name of an earlier stage (expanded with the meta ARGs). */
  image: string;
  /** `--platform=...`, accepted and recorded; the builder decides what to do with it. */
  platform?: string;
  name?: string;
  /** Evaluated only: index of the earlier stage `image` names (then it is not an image reference). */
  baseStage?: number;
}

export interface RunInstruction extends Base {
  kind: 'RUN';
  form: CommandForm;
  /** Shell form: `[command string]`, never expanded (the shell does that). Exec form: the array. */
  args: string[];
}

export interface CmdInstruction extends Base {
  kind: 'CMD';
  form: CommandForm;
  args: string[];
}

export interface EntrypointInstruction extends Base {
  kind: 'ENTRYPOINT';
  form: CommandForm;
  args: string[];
}

export interface CopyInstruction extends Base {
  kind: 'COPY';
  sources: string[];
  dest: string;
  /** `--from=stage|index|image`. */
  from?: string;
  chown?: string;
  chmod?: string;
  /** Evaluated only: the earlier stage `from` names (by name or index), if it names one. */
  fromStage?: number;
}

/** ADD is local files only here: URLs and git sources are rejected by the parser. */
export interface AddInstruction extends Base {
  kind: 'ADD';
  sources: string[];
  dest: string;
  chown?: string;
  chmod?: string;
}

export interface EnvInstruction extends Base {
  kind: 'ENV';
  pairs: [string, string][];
}

export interface LabelInstruction extends Base {
  kind: 'LABEL';
  pairs: [string, string][];
}

export interface ArgDefinition {
  name: string;
  /** The default as written (raw) or expanded (evaluated); absent for `ARG name`. */
  default?: string;
  /**
   * Evaluated only: the value the ARG has from here on - the --build-arg value, else the
   * default, else (for `ARG name` in a stage) the meta ARG of that name; absent when unset.
   * A builder walking a stage in order gets a RUN's environment from this: the ARGs seen so far,
   * minus any name an ENV has set (ENV wins over ARG) - `RunArgScope` in build-args.ts does that.
   */
  value?: string;
}

/** `ARG a=1 b` declares several names in one instruction, as Docker allows. */
export interface ArgInstruction extends Base {
  kind: 'ARG';
  args: ArgDefinition[];
}

export interface WorkdirInstruction extends Base {
  kind: 'WORKDIR';
  path: string;
}

export interface ExposeInstruction extends Base {
  kind: 'EXPOSE';
  /** As written after expansion: `80`, `80/tcp`, `8000-8010/udp`. */
  ports: string[];
}

export interface UserInstruction extends Base {
  kind: 'USER';
  /** `user`, `user:group`, `uid:gid`. */
  user: string;
}

export interface VolumeInstruction extends Base {
  kind: 'VOLUME';
  paths: string[];
}

export interface StopsignalInstruction extends Base {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface ShellInstruction extends Base {
  kind: 'SHELL';
  /** Always the JSON form, as Docker requires. */
  args: string[];
}

export interface HealthcheckInstruction extends Base {
  kind: 'HEALTHCHECK';
  /** `HEALTHCHECK NONE` disables a health check inherited from the base image. */
  none: boolean;
  form?: CommandForm;
  args?: string[];
  /** Durations in nanoseconds, as the image config stores them. */
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

/**
 * ONBUILD is parsed and validated (the trigger must be a known instruction other than ONBUILD,
 * FROM or MAINTAINER); the trigger is kept unexpanded, as Docker expands it when a later build
 * uses this image as its base.
 */
export interface OnbuildInstruction extends Base {
  kind: 'ONBUILD';
  /** The trigger as written, e.g. `RUN make`: what goes into the image config's OnBuild list. */
  trigger: string;
  /** The trigger parsed (unexpanded), same line numbers. */
  instruction: Instruction;
}

/** Deprecated but still accepted by Docker: sets the image's Author. */
export interface MaintainerInstruction extends Base {
  kind: 'MAINTAINER';
  maintainer: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | LabelInstruction
  | ArgInstruction
  | WorkdirInstruction
  | ExposeInstruction
  | UserInstruction
  | VolumeInstruction
  | StopsignalInstruction
  | ShellInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

export type InstructionKind = Instruction['kind'];

export interface ParseOptions {
  /** `--build-arg NAME=value`: overrides the default of the ARG named NAME. */
  buildArgs?: Record<string, string>;
}
