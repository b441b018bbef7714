/**
 * Evaluating the check vocabulary (check-syntax.ts) against real engine state, through the Engine
 * API only: listImages, inspectImage, history, listContainers, inspectContainer, changes,
 * listVolumes, logs, listNetworks/inspectNetwork - and `port` through the published-port path a
 * Preview takes (a GET /, as a learner's reload: it reads, and only adds the request to the
 * server's own log). "Not found" from the engine means the check does not hold yet, any other
 * failure is reported as an error the panel shows.
 */
import type { ContainerInspect, ContainerSummary, Engine, ImageInspect } from '../../engine/engine.ts';
import { parseBytes, type Check, type Condition, type Op } from './check-syntax.ts';
import type { Figure } from './lesson-format.ts';
import type { PortFetch } from '../sw/preview-fetch.ts';

/** What a check reads beside the Engine API: published ports (the Preview's path), when the host has them. */
export interface CheckProbes {
  fetchPort?: PortFetch;
}

/** How long a `port` check waits for the answer, and how much of the body it reads for `answers~=`. */
const PORT_WAIT_MS = 10_000;
const PORT_BODY_BYTES = 256 * 1024;
const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

export interface CheckResult {
  ok: boolean;
  /** Set when the engine could not be asked (not when the state is simply not there yet). */
  error?: string;
}

const KIND_LETTER = ['C', 'A', 'D'] as const;

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'not-found';
}

/** What the engine answers, or null when it says "not found": the state is not there (yet). */
async function orNull<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

function imageOrNull(engine: Engine, reference: string): Promise<ImageInspect | null> {
  return orNull(engine.inspectImage(reference));
}

function compare(actual: number, op: Op, expected: number): boolean {
  if (op === '>=') return actual >= expected;
  if (op === '<=') return actual <= expected;
  return actual === expected;
}

function count(c: Condition): number {
  return c.key === 'size' ? (parseBytes(c.value) ?? NaN) : Number(c.value);
}

const decoder = new TextDecoder();

async function logText(engine: Engine, id: string): Promise<string> {
  const entries = await engine.logs(id, { stdout: true, stderr: true });
  return entries.map((e) => decoder.decode(e.data)).join('');
}

async function checkImage(engine: Engine, check: Check): Promise<boolean> {
  const image = await imageOrNull(engine, check.args[0]);
  if (!image) return false;
  for (const c of check.conditions) {
    switch (c.key) {
      case 'layers':
        if (!compare(image.RootFS.Layers.length, c.op, count(c))) return false;
        break;
      case 'size':
        if (!compare(image.Size, c.op, count(c))) return false;
        break;
      case 'history': {
        const history = await engine.history(check.args[0]);
        if (!history.some((h) => h.CreatedBy.includes(c.value))) return false;
        break;
      }
      case 'digest':
        if ((image.RepoDigests.length > 0) !== (c.value === 'true')) return false;
        break;
      case 'same-as': {
        const other = await imageOrNull(engine, c.value);
        if (!other || other.Id !== image.Id) return false;
        break;
      }
      case 'not-smaller-than': {
        const other = await imageOrNull(engine, c.value);
        if (!other || image.Size < other.Size) return false;
        break;
      }
    }
  }
  return true;
}

async function checkLayer(engine: Engine, check: Check): Promise<boolean> {
  if (!(await imageOrNull(engine, check.args[0]))) return false;
  const history = await engine.history(check.args[0]);
  const text = check.conditions.find((c) => c.key === 'created-by')!.value;
  const sizes = check.conditions.filter((c) => c.key === 'size');
  return history.some((h) => h.CreatedBy.includes(text) && sizes.every((c) => compare(h.Size, c.op, count(c))));
}

async function checkSharedLayers(engine: Engine, check: Check): Promise<boolean> {
  const [first, second] = await Promise.all(check.args.map((r) => imageOrNull(engine, r)));
  if (!first || !second) return false;
  const base = new Set(first.RootFS.Layers);
  const shared = second.RootFS.Layers.filter((l) => base.has(l)).length;
  const unique = second.RootFS.Layers.length - shared;
  for (const c of check.conditions) {
    if (!compare(c.key === 'shared' ? shared : unique, c.op, count(c))) return false;
  }
  return true;
}

/** `{id12}` in a logs condition is the container's own short ID: Docker's default hostname. */
function expandLogPattern(pattern: string, container: ContainerSummary): string {
  return pattern.replaceAll('{id12}', container.Id.slice(0, 12));
}

async function containerMatches(engine: Engine, summary: ContainerSummary, filters: Condition[], imageIds: Map<string, string | null>): Promise<boolean> {
  let detail: ContainerInspect | null = null;
  const inspect = async () => (detail ??= await engine.inspectContainer(summary.Id));
  for (const c of filters) {
    switch (c.key) {
      case 'name':
        if (!summary.Names.includes(`/${c.value}`)) return false;
        break;
      case 'image':
        if (imageIds.get(c.value) !== summary.ImageID) return false;
        break;
      case 'state':
        if (summary.State !== c.value) return false;
        break;
      case 'exit': {
        const state = (await inspect()).State;
        if (state.Running || state.Status === 'created' || state.ExitCode !== Number(c.value)) return false;
        break;
      }
      case 'oom':
        if ((await inspect()).State.OOMKilled !== (c.value === 'true')) return false;
        break;
      case 'volume':
        if (!summary.Mounts.some((m) => m.Name === c.value)) return false;
        break;
      case 'logs':
        if (!(await logText(engine, summary.Id)).includes(expandLogPattern(c.value, summary))) return false;
        break;
    }
  }
  return true;
}

async function checkContainers(engine: Engine, check: Check): Promise<boolean> {
  const filters = check.conditions.filter((c) => c.key !== 'count');
  const counts = check.conditions.filter((c) => c.key === 'count');
  const imageIds = new Map<string, string | null>();
  for (const c of filters) {
    if (c.key === 'image' && !imageIds.has(c.value)) imageIds.set(c.value, (await imageOrNull(engine, c.value))?.Id ?? null);
  }
  let found = 0;
  for (const summary of await engine.listContainers({ all: true })) {
    try {
      if (await containerMatches(engine, summary, filters, imageIds)) found += 1;
    } catch (e) {
      if (!isNotFound(e)) throw e; // removed while we looked: it no longer counts
    }
  }
  if (counts.length === 0) return found >= 1;
  return counts.every((c) => compare(found, c.op, count(c)));
}

async function checkChanges(engine: Engine, check: Check): Promise<boolean> {
  const changes = await orNull(engine.changes(check.args[0]));
  if (!changes) return false;
  const path = check.conditions.find((c) => c.key === 'path')!.value;
  const kind = check.conditions.find((c) => c.key === 'kind')?.value;
  return changes.some((ch) => ch.Path === path && (!kind || KIND_LETTER[ch.Kind] === kind));
}

async function checkVolume(engine: Engine, check: Check): Promise<boolean> {
  const { Volumes } = await engine.listVolumes();
  if (!Volumes.some((v) => v.Name === check.args[0])) return false;
  const usedBy = check.conditions.filter((c) => c.key === 'used-by');
  if (usedBy.length === 0) return true;
  const containers = await engine.listContainers({ all: true });
  const users = containers.filter((c) => c.Mounts.some((m) => m.Name === check.args[0])).length;
  return usedBy.every((c) => compare(users, c.op, count(c)));
}

async function readBody(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < PORT_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.length) - c.length);
  return decoder.decode(all);
}

/** Only a running container's published port is asked: no request goes out for a port nobody publishes. */
async function checkPort(engine: Engine, check: Check, probes: CheckProbes): Promise<boolean> {
  const hostPort = Number(check.args[0]);
  const published = (await engine.listContainers()).some((c) => c.Ports.some((p) => p.PublicPort === hostPort && p.Type === 'tcp'));
  if (!published) return false;
  if (!probes.fetchPort) throw new Error('this page cannot reach published ports (no preview path)');
  const signal = AbortSignal.timeout(PORT_WAIT_MS);
  let reply;
  try {
    reply = await probes.fetchPort(hostPort, { method: 'GET', target: '/', headers: [], body: null, signal });
  } catch (e) {
    if (signal.aborted) return false; // no answer yet: the server may still be starting
    throw e;
  }
  if ('kind' in reply) {
    if (reply.kind === 'no-service-worker') throw new Error(reply.message);
    return false; // nothing listens there (yet), or it closed without an answer
  }
  const text = await readBody(reply.body);
  if (reply.status < 200 || reply.status > 299) return false;
  return check.conditions.every((c) => text.includes(c.value));
}

async function checkNetwork(engine: Engine, check: Check): Promise<boolean> {
  const network = await orNull(engine.inspectNetwork(check.args[0]));
  if (!network) return false;
  const attached = Object.keys(network.Containers ?? {}).length;
  return check.conditions.every((c) => compare(attached, c.op, count(c)));
}

async function checkProject(engine: Engine, check: Check): Promise<boolean> {
  const running = await engine.listContainers();
  const mine = running.filter((c) => c.State === 'running' && c.Labels[COMPOSE_PROJECT] === check.args[0]);
  const services = new Set(mine.map((c) => c.Labels[COMPOSE_SERVICE] ?? c.Id)).size;
  if (check.conditions.length === 0) return services >= 1;
  return check.conditions.every((c) => compare(services, c.op, count(c)));
}

export async function evaluateCheck(engine: Engine, check: Check, probes: CheckProbes = {}): Promise<boolean> {
  switch (check.subject) {
    case 'image':
      return checkImage(engine, check);
    case 'layer':
      return checkLayer(engine, check);
    case 'no-image':
      return (await imageOrNull(engine, check.args[0])) === null;
    case 'shared-layers':
      return checkSharedLayers(engine, check);
    case 'container':
      return checkContainers(engine, check);
    case 'changes':
      return checkChanges(engine, check);
    case 'volume':
      return checkVolume(engine, check);
    case 'port':
      return checkPort(engine, check, probes);
    case 'network':
      return checkNetwork(engine, check);
    case 'project':
      return checkProject(engine, check);
  }
}

/** All of a step's checks hold. */
export async function evaluateChecks(engine: Engine, checks: Check[], probes: CheckProbes = {}): Promise<CheckResult> {
  try {
    for (const check of checks) {
      if (!(await evaluateCheck(engine, check, probes))) return { ok: false };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export type FigureValue = { kind: 'bytes'; bytes: number } | { kind: 'start'; startMs: number; totalMs: number } | null;

/** A live figure a step shows (an image's size, a container's start-up time), or null if not there yet. */
export async function readFigure(engine: Engine, figure: Figure): Promise<FigureValue> {
  try {
    if (figure.kind === 'image-size') {
      const image = await engine.inspectImage(figure.subject);
      return { kind: 'bytes', bytes: image.Size };
    }
    const c = await engine.inspectContainer(figure.subject);
    const created = Date.parse(c.Created);
    const started = Date.parse(c.State.StartedAt);
    const finished = Date.parse(c.State.FinishedAt);
    if (!Number.isFinite(started) || started < created || c.State.Running) return null;
    return { kind: 'start', startMs: started - created, totalMs: Number.isFinite(finished) && finished >= started ? finished - created : NaN };
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/**
 * `{{digest:REF}}` in a command becomes REF's repository digest (`name@sha256:...`), read from the
 * engine when the learner clicks: digests are names nobody types by hand.
 */
export async function expandCommand(engine: Engine, line: string): Promise<string | null> {
  const pattern = /\{\{digest:([^}\s]+)\}\}/g;
  const refs = [...line.matchAll(pattern)].map((m) => m[1]);
  const digests = new Map<string, string>();
  for (const ref of refs) {
    const image = await imageOrNull(engine, ref);
    const digest = image?.RepoDigests[0];
    if (!digest) return null;
    digests.set(ref, digest);
  }
  return line.replace(pattern, (_, ref: string) => digests.get(ref)!);
}
