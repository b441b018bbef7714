/**
 * `--memory` for a WASI module, one rule for both hosts: what a Docker user sees when a process
 * goes past the limit is that it is killed - exit 137, `OOMKilled: true` - with no word from the
 * program itself (the kernel's OOM killer does not let it say anything).
 *
 * Capping the linear memory alone does not give that: a failed `memory.grow` returns -1 quietly,
 * malloc returns NULL, and the program reports it its own way (or writes through NULL). So the
 * module is rewritten in two steps:
 * 1. `capMemory`: every memory's maximum (defined or imported) becomes min(its own, the cap);
 * 2. every `memory.grow` becomes a call to an appended function that grows and, when the grow
 *    fails, sets an exported global (OOM_EXPORT) and traps. The host that sees a trap reads the
 *    global (`memoryLimitHit`) and ends the process with 137 + oomKilled.
 * A module whose initial memory alone is over the cap cannot start at all: `limitMemory` returns
 * null and the host reports 137 + oomKilled at once, as a process killed on its first page.
 *
 * Appending a type, a function, a global and an export shifts no existing index, so only the code
 * section's bodies are re-encoded. An instruction this decoder does not know (or a 64-bit or
 * multi-memory module) leaves the module capped but unhooked.
 */
import { EngineError } from '../errors.ts';

export const WASM_PAGE_BYTES = 65536;
/** The exported global the grow hook sets before it traps. */
export const OOM_EXPORT = '__dockyard_oom';

function malformed(what: string): EngineError {
  return new EngineError('invalid-content', `malformed WebAssembly module (${what})`);
}

class Reader {
  constructor(
    readonly b: Uint8Array,
    public at = 0,
  ) {}
  byte(): number {
    if (this.at >= this.b.length) throw malformed('truncated');
    return this.b[this.at++];
  }
  /** An unsigned LEB128 up to 2^53 (memory64 limits included). */
  uleb(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 63) throw malformed('bad LEB128');
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
  }
  /** Skip a signed or unsigned LEB of any width. */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  bytes(n: number): Uint8Array {
    if (this.at + n > this.b.length) throw malformed('truncated');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

class Unsupported extends Error {}

interface Section {
  id: number;
  body: Uint8Array;
}

function parseSections(wasm: Uint8Array): Section[] {
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new EngineError('invalid-content', 'not a WebAssembly module');
  }
  const r = new Reader(wasm, 8);
  const sections: Section[] = [];
  while (r.at < wasm.length) {
    const id = r.byte();
    const size = r.uleb();
    sections.push({ id, body: r.bytes(size) });
  }
  return sections;
}

function encode(sections: Section[]): Uint8Array {
  const parts: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // No spread of a body: a 150 KB code section as call arguments overflows the stack.
  for (const s of sections) {
    parts.push(s.id, ...leb(s.body.length));
    for (const byte of s.body) parts.push(byte);
  }
  return new Uint8Array(parts);
}

/** New limits bytes for a memory type, capped; null when even its initial size is over the cap. */
function capLimits(r: Reader, capPages: number): number[] | null {
  const flags = r.uleb();
  const min = r.uleb();
  const max = flags & 1 ? r.uleb() : Infinity;
  if (min > capPages) return null;
  // Shared (0x02) and 64-bit (0x04) flags stay; the maximum is now always present.
  return [...leb(flags | 1), ...leb(min), ...leb(Math.min(max, capPages))];
}

function skipLimits(r: Reader): void {
  const flags = r.uleb();
  r.uleb();
  if (flags & 1) r.uleb();
}

interface Capped {
  sections: Section[];
  importedFuncs: number;
  importedGlobals: number;
  memory64: boolean;
}

/** Step 1 on parsed sections; null when a memory's initial size is over the cap. */
function capSections(sections: Section[], capPages: number): Capped | null {
  let importedFuncs = 0;
  let importedGlobals = 0;
  let memory64 = false;
  const imports = sections.find((s) => s.id === 2);
  if (imports) {
    const r = new Reader(imports.body);
    const count = r.uleb();
    const out: number[] = [...leb(count)];
    for (let i = 0; i < count; i++) {
      const start = r.at;
      r.bytes(r.uleb());
      r.bytes(r.uleb());
      const kind = r.byte();
      for (let j = start; j < r.at; j++) out.push(imports.body[j]);
      if (kind === 2) {
        memory64 ||= (imports.body[r.at] & 0x04) !== 0;
        const limits = capLimits(r, capPages);
        if (!limits) return null;
        out.push(...limits);
        continue;
      }
      const from = r.at;
      if (kind === 0) {
        r.uleb();
        importedFuncs++;
      } else if (kind === 1) {
        r.byte();
        skipLimits(r);
      } else if (kind === 3) {
        r.byte();
        r.byte();
        importedGlobals++;
      } else if (kind === 4) {
        r.byte();
        r.uleb();
      } else throw malformed(`import kind ${kind}`);
      for (let j = from; j < r.at; j++) out.push(imports.body[j]);
    }
    if (r.at !== imports.body.length) throw malformed('import section');
    imports.body = new Uint8Array(out);
  }
  const memories = sections.find((s) => s.id === 5);
  if (memories) {
    const r = new Reader(memories.body);
    const count = r.uleb();
    const out: number[] = [...leb(count)];
    for (let i = 0; i < count; i++) {
      memory64 ||= (memories.body[r.at] & 0x04) !== 0;
      const limits = capLimits(r, capPages);
      if (!limits) return null;
      out.push(...limits);
    }
    if (r.at !== memories.body.length) throw malformed('memory section');
    memories.body = new Uint8Array(out);
  }
  return { sections, importedFuncs, importedGlobals, memory64 };
}

function capPagesOf(capBytes: number): number {
  return Math.max(1, Math.floor(capBytes / WASM_PAGE_BYTES));
}

/**
 * Step 1 alone: the module with every memory's maximum lowered to `capBytes` (whole 64 KiB pages,
 * at least one), or null when its initial memory is already larger. A grow past the cap then
 * returns -1 to the program - what a WASI runtime with a plain memory cap does. Hosts use
 * `limitMemory`; this is for testing how a program copes with a refused grow.
 */
export function capMemory(wasm: Uint8Array, capBytes: number): Uint8Array | null {
  const capped = capSections(parseSections(wasm), capPagesOf(capBytes));
  return capped && encode(capped.sections);
}

/** Skip one blocktype immediate. */
function blockType(r: Reader): void {
  const b = r.b[r.at];
  if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.at++;
  else r.skipLeb();
}

function memarg(r: Reader): void {
  const align = r.uleb();
  if (align & 0x40) r.uleb();
  r.uleb();
}

const ONE_INDEX_OPS = new Set([0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2]);

/** Re-encode one function body's expression, replacing `memory.grow 0` with `call hook`. */
function rewriteExpr(r: Reader, end: number, hook: number[], out: number[]): void {
  while (r.at < end) {
    const start = r.at;
    const op = r.byte();
    if (op === 0x40) {
      if (r.uleb() !== 0) throw new Unsupported('multi-memory');
      out.push(0x10, ...hook);
      continue;
    }
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06) blockType(r);
    else if (ONE_INDEX_OPS.has(op)) r.uleb();
    else if (op === 0x0e) {
      const n = r.uleb();
      for (let i = 0; i <= n; i++) r.uleb();
    } else if (op === 0x11 || op === 0x13) {
      r.uleb();
      r.uleb();
    } else if (op === 0x1c) r.bytes(r.uleb());
    else if (op >= 0x28 && op <= 0x3e) memarg(r);
    else if (op === 0x3f) r.uleb();
    else if (op === 0x41 || op === 0x42) r.skipLeb();
    else if (op === 0x43) r.bytes(4);
    else if (op === 0x44) r.bytes(8);
    else if (op === 0xd0) r.byte();
    else if (op === 0xfc) {
      const sub = r.uleb();
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
        r.uleb();
        r.uleb();
      } else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) r.uleb();
      else if (sub > 7) throw new Unsupported(`0xfc ${sub}`);
    } else if (op === 0xfd) {
      const sub = r.uleb();
      if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
      else if (sub === 12 || sub === 13) r.bytes(16);
      else if (sub >= 21 && sub <= 34) r.byte();
      else if (sub >= 84 && sub <= 91) {
        memarg(r);
        r.byte();
      }
    } else if (op === 0xfe) {
      const sub = r.uleb();
      if (sub === 3) r.byte();
      else memarg(r);
    } else if (op > 0xc4 && op !== 0xd1) throw new Unsupported(`opcode 0x${op.toString(16)}`);
    else if ([0x0a, 0x1f, 0x14, 0x15].includes(op)) throw new Unsupported(`opcode 0x${op.toString(16)}`);
    for (let i = start; i < r.at; i++) out.push(r.b[i]);
  }
}

function rewriteCode(body: Uint8Array, hook: number[], hookBody: number[]): Uint8Array {
  const r = new Reader(body);
  const count = r.uleb();
  const out: number[] = [...leb(count + 1)];
  for (let f = 0; f < count; f++) {
    const size = r.uleb();
    const end = r.at + size;
    const fn: number[] = [];
    const localsStart = r.at;
    const groups = r.uleb();
    for (let g = 0; g < groups; g++) {
      r.uleb();
      const t = r.byte();
      if (t === 0x63 || t === 0x64) throw new Unsupported('typed references');
    }
    for (let i = localsStart; i < r.at; i++) fn.push(body[i]);
    rewriteExpr(r, end, hook, fn);
    out.push(...leb(fn.length));
    for (const byte of fn) out.push(byte);
  }
  out.push(...leb(hookBody.length), ...hookBody);
  return new Uint8Array(out);
}

function vecCount(body: Uint8Array | undefined): number {
  return !body || body.length === 0 ? 0 : new Reader(body).uleb();
}

/** Append one item to a vector section body (count + items). */
function appendVec(body: Uint8Array | undefined, item: number[]): Uint8Array {
  const r = new Reader(body ?? new Uint8Array([0]));
  const count = r.uleb();
  const rest = (body ?? new Uint8Array()).subarray(r.at);
  const head = leb(count + 1);
  const out = new Uint8Array(head.length + rest.length + item.length);
  out.set(head);
  out.set(rest, head.length);
  out.set(item, head.length + rest.length);
  return out;
}

const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

function orderSections(sections: Section[]): Section[] {
  const known = sections.filter((s) => s.id !== 0).sort((a, b) => SECTION_ORDER.indexOf(a.id) - SECTION_ORDER.indexOf(b.id));
  // Custom sections (names, producers) go last: their position carries no meaning for us.
  return [...known, ...sections.filter((s) => s.id === 0)];
}

/** Step 2 on capped sections: the grow hook, or undefined when the module is beyond this decoder. */
function hookGrow(capped: Capped): Uint8Array | undefined {
  const { sections } = capped;
  const find = (id: number) => sections.find((s) => s.id === id);
  const types = find(1);
  const functions = find(3);
  const code = find(10);
  // Nothing to hook without code; a 64-bit memory's grow takes an i64, which this hook does not.
  if (!types || !functions || !code || capped.memory64) return undefined;
  const typeIndex = vecCount(types.body);
  const hook = leb(capped.importedFuncs + vecCount(functions.body));
  const g = leb(capped.importedGlobals + vecCount(find(6)?.body));
  // (func (param i32) (result i32) (local i32)
  //   local.get 0 memory.grow local.tee 1 i32.const -1 i32.eq
  //   if i32.const 1 global.set $oom unreachable end local.get 1)
  const hookBody = [0x01, 0x01, 0x7f, 0x20, 0x00, 0x40, 0x00, 0x22, 0x01, 0x41, 0x7f, 0x46, 0x04, 0x40, 0x41, 0x01, 0x24, ...g, 0x00, 0x0b, 0x20, 0x01, 0x0b];
  try {
    const next: Section[] = sections.map((s) => ({ ...s }));
    const put = (id: number, body: Uint8Array) => {
      const existing = next.find((s) => s.id === id);
      if (existing) existing.body = body;
      else next.push({ id, body });
    };
    put(10, rewriteCode(code.body, hook, hookBody));
    put(1, appendVec(types.body, [0x60, 0x01, 0x7f, 0x01, 0x7f]));
    put(3, appendVec(functions.body, leb(typeIndex)));
    put(6, appendVec(find(6)?.body, [0x7f, 0x01, 0x41, 0x00, 0x0b]));
    const name = [...new TextEncoder().encode(OOM_EXPORT)];
    put(7, appendVec(find(7)?.body, [...leb(name.length), ...name, 0x03, ...g]));
    return encode(orderSections(next));
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

/**
 * The rule: the module with its memory capped at `capBytes` and a refused grow made fatal (see
 * above), or null when its initial memory alone is over the cap - the host then reports 137 and
 * oomKilled without running it. Throws invalid-content for bytes that are not a module we can read.
 */
export function limitMemory(wasm: Uint8Array, capBytes: number): Uint8Array | null {
  const capped = capSections(parseSections(wasm), capPagesOf(capBytes));
  if (!capped) return null;
  return hookGrow(capped) ?? encode(capped.sections);
}

/** After a trap: true when it was the grow hook, i.e. the process went past its memory limit. */
export function memoryLimitHit(instance: WebAssembly.Instance): boolean {
  const flag = instance.exports[OOM_EXPORT];
  return flag instanceof WebAssembly.Global && flag.value !== 0;
}
