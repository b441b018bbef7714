import { cleanEntryPath } from '../layers/path-rules.ts';
import type { Digest } from '../ports.ts';
import { readTar } from '../tar/tar-reader.ts';
import { envKey } from './container-config.ts';
import type { Core } from './context.ts';

/**
 * The environment Docker gives every process of a container (moby's CreateDaemonEnvironment, then
 * runc): the default PATH and HOSTNAME first, the container's Env over them (replacing by key,
 * else appended), an exec's Env over that the same way, and HOME - when still unset - from the
 * user's entry in the image's /etc/passwd, "/" when there is none. (TERM under -t is added by the
 * runtimes.)
 */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface EnvSource {
  /** The image the container was made from: its /etc/passwd gives HOME. */
  Image: string;
  layers: readonly string[];
  Config: { Hostname: string; Env?: string[] | null; User?: string };
}

export async function processEnv(core: Core, c: EnvSource, execEnv: readonly string[] = []): Promise<string[]> {
  const env = replaceOrAppend(replaceOrAppend([DEFAULT_PATH, `HOSTNAME=${c.Config.Hostname}`], c.Config.Env ?? []), execEnv);
  if (env.some((e) => envKey(e) === 'HOME')) return env;
  return [...env, `HOME=${homeOf(await imagePasswd(core, c.Image, c.layers as Digest[]), c.Config.User ?? '')}`];
}

/** Go's ReplaceOrAppendEnvValues: an entry whose key is already there takes its place. */
export function replaceOrAppend(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  for (const e of overrides) {
    const i = out.findIndex((b) => envKey(b) === envKey(e));
    if (i < 0) out.push(e);
    else out[i] = e;
  }
  return out;
}

/** The home directory of `user` (name or uid, either with ":group") in passwd's text; "/" when not found. */
export function homeOf(passwd: string | undefined, user: string): string {
  const who = user.split(':')[0] || '0';
  for (const line of (passwd ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && (f[0] === who || f[2] === who)) return f[5] || '/';
  }
  return '/';
}

const passwdCache = new WeakMap<Core, Map<string, Promise<string | undefined>>>();

/** The image's /etc/passwd (its layers read top down, once per image and engine), or undefined. */
function imagePasswd(core: Core, imageId: string, layers: Digest[]): Promise<string | undefined> {
  let cache = passwdCache.get(core);
  if (!cache) passwdCache.set(core, (cache = new Map()));
  let found = cache.get(imageId);
  if (!found) {
    found = passwdInLayers(core, layers).catch(() => undefined);
    cache.set(imageId, found);
  }
  return found;
}

async function passwdInLayers(core: Core, layers: Digest[]): Promise<string | undefined> {
  for (const layer of [...layers].reverse()) {
    let hidden = false;
    for await (const entry of readTar(await core.ports.blobs.get(layer))) {
      const path = cleanEntryPath(entry.path);
      if (path === 'etc/passwd') return entry.type === 'file' ? new TextDecoder().decode(entry.content) : undefined;
      // A layer that deletes the file, /etc, or what was below /etc ends the search unless it also brings a new one.
      if (path === 'etc/.wh.passwd' || path === '.wh.etc' || path === 'etc/.wh..wh..opq') hidden = true;
    }
    if (hidden) return undefined;
  }
  return undefined;
}
