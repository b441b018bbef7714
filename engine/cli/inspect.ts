/**
 * `docker inspect` (any object: container, then image, then volume), `container inspect`,
 * `image inspect`, `volume inspect`. Output is a JSON array indented with 4 spaces as docker's,
 * HTML characters escaped as Go's encoder does; `-f` runs a Go template per object instead.
 * Objects that are not found are reported after the output, and the exit status is then 1.
 */
import type { Engine } from '../engine.ts';
import { isEngineError } from '../errors.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';
import { goJson, Template, TemplateError } from './go-template.ts';
import type { FlagValues } from './flags.ts';
import { errorText } from './report.ts';

type Getter = (engine: Engine, name: string) => Promise<unknown>;

const getters: Record<'container' | 'image' | 'volume' | 'network', Getter> = {
  container: (e, n) => e.inspectContainer(n),
  image: (e, n) => e.inspectImage(n),
  volume: (e, n) => e.inspectVolume(n),
  network: (e, n) => e.inspectNetwork(n),
};

const FORMAT_FLAG = {
  name: 'format',
  short: 'f',
  type: 'string' as const,
  usage:
    "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates",
};

async function inspectAll(cx: CommandContext, flags: FlagValues, names: string[], find: (name: string) => Promise<unknown>): Promise<number> {
  const format = flags.string('format');
  let template: Template | undefined;
  if (format && format !== 'json') {
    try {
      template = new Template(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
    } catch (e) {
      if (e instanceof TemplateError) throw new StatusError(1, `template parsing error: ${e.message}`);
      throw e;
    }
  }
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await find(name));
    } catch (e) {
      errors.push(e instanceof StatusError ? e.message : errorText(e));
    }
  }
  if (template) {
    for (const obj of found) {
      try {
        cx.out(template.execute(obj) + '\n');
      } catch (e) {
        if (e instanceof TemplateError) throw new StatusError(1, `template parsing error: ${e.message}`);
        throw e;
      }
    }
  } else {
    cx.out(goJson(found, '    ') + '\n');
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}

function typed(kind: keyof typeof getters): (cx: CommandContext) => (name: string) => Promise<unknown> {
  return (cx) => (name) => getters[kind](cx.engine, name);
}

export const inspect: CommandSpec = {
  use: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on Docker objects',
  flags: [
    FORMAT_FLAG,
    { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes if the type is container' },
    { name: 'type', type: 'string', usage: 'Only inspect objects of the given type' },
  ],
  args: { min: 1 },
  run(cx, flags, args) {
    const type = flags.string('type');
    if (type && !(type in getters)) throw new StatusError(1, `"${type}" is not a valid value for --type`);
    const kinds = (type ? [type] : ['container', 'image', 'volume', 'network']) as Array<keyof typeof getters>;
    return inspectAll(cx, flags, args, async (name) => {
      for (const kind of kinds) {
        try {
          return await getters[kind](cx.engine, name);
        } catch (e) {
          if (!isEngineError(e, 'not-found') && !isEngineError(e, 'invalid-argument')) throw e;
        }
      }
      throw new StatusError(1, type ? `Error: No such ${type}: ${name}` : `Error: No such object: ${name}`);
    });
  },
};

function typedInspect(kind: keyof typeof getters, use: string, short: string): CommandSpec {
  return {
    use,
    short,
    flags: kind === 'container' ? [FORMAT_FLAG, { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes' }] : [FORMAT_FLAG],
    args: { min: 1 },
    run: (cx, flags, args) => inspectAll(cx, flags, args, typed(kind)(cx)),
  };
}

export const containerInspect = typedInspect('container', '[OPTIONS] CONTAINER [CONTAINER...]', 'Display detailed information on one or more containers');
export const imageInspect = typedInspect('image', '[OPTIONS] IMAGE [IMAGE...]', 'Display detailed information on one or more images');
export const volumeInspect = typedInspect('volume', '[OPTIONS] VOLUME [VOLUME...]', 'Display detailed information on one or more volumes');
export const networkInspect = typedInspect('network', '[OPTIONS] NETWORK [NETWORK...]', 'Display detailed information on one or more networks');
