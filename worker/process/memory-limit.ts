/**
 * `--memory` for a WASI module: cap its linear memory and make exceeding the cap fatal.
 *
 * Capping alone is not enough: a failed `memory.grow` returns -1 quietly, malloc returns NULL and
 * a C program that does not check goes on writing at address 0 - nothing like Linux, where the
 * cgroup OOM killer ends the process (137, OOMKilled). So the module is rewritten:
 * - the memory's maximum becomes min(its own maximum, the cap);
 * - every `memory.grow` becomes a call to an appended function that grows and, when the grow
 *   fails, sets an exported global and traps - the runner reads the global and reports 137 + oomKilled.
 * Appending a type, a function, a global and an export shifts no existing index, so only the code
 * section's bodies are re-encoded. An instruction this decoder does not know leaves the module
 * capped but unhooked (a failed grow then returns -1 as in plain WebAssembly).
 */
export const OOM_EXPORT = '__dockyard_oom';
const PAGE = 65536;

class Reader {
  constructor(readonly b: Uint8Array, public at = 0) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Error('truncated module');
    return this.b[this.at++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }
  /** Skip a signed or unsigned LEB of any width. */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  bytes(n: number): Uint8Array {
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
  const r = new Reader(wasm, 8);
  const sections: Section[] = [];
  while (r.at < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, body: r.bytes(size) });
  }
  return sections;
}

/** New limits bytes for a memory type, capped; null when even its initial size is over the cap. */
function capLimits(r: Reader, capPages: number): number[] | null {
  const flags = r.u32();
  if (flags & 0x04) throw new Unsupported('memory64');
  const min = r.u32();
  const max = flags & 1 ? r.u32() : Infinity;
  if (min > capPages) return null;
  return [...leb(flags | 1), ...leb(min), ...leb(Math.min(max, capPages))];
}

function vecCount(body: Uint8Array): number {
  return body.length === 0 ? 0 : new Reader(body).u32();
}

/** Append items to a vector section body (count + items). */
function appendVec(body: Uint8Array | undefined, items: number[]): Uint8Array {
  const r = new Reader(body ?? new Uint8Array([0]));
  const count = r.u32();
  const rest = (body ?? new Uint8Array()).subarray(r.at);
  const head = leb(count + 1);
  const out = new Uint8Array(head.length + rest.length + items.length);
  out.set(head);
  out.set(rest, head.length);
  out.set(items, head.length + rest.length);
  return out;
}

/** Skip one blocktype immediate. */
function blockType(r: Reader): void {
  const b = r.b[r.at];
  if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.at++;
  else r.skipLeb();
}

function memarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.u32();
  r.u32();
}

/** Re-encode one expression, replacing `memory.grow 0` with `call hook`. */
function rewriteExpr(r: Reader, end: number, hook: number[], out: number[]): void {
  while (r.at < end) {
    const start = r.at;
    const op = r.byte();
    if (op === 0x40) {
      if (r.u32() !== 0) throw new Unsupported('multi-memory');
      out.push(0x10, ...hook);
      continue;
    }
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06) blockType(r);
    else if ([0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2].includes(op)) r.u32();
    else if (op === 0x0e) {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
    } else if (op === 0x11 || op === 0x13) {
      r.u32();
      r.u32();
    } else if (op === 0x1c) r.bytes(r.u32());
    else if (op >= 0x28 && op <= 0x3e) memarg(r);
    else if (op === 0x3f) r.u32();
    else if (op === 0x41 || op === 0x42) r.skipLeb();
    else if (op === 0x43) r.bytes(4);
    else if (op === 0x44) r.bytes(8);
    else if (op === 0xd0) r.byte();
    else if (op === 0xfc) {
      const sub = r.u32();
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
        r.u32();
        r.u32();
      }
      else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) r.u32();
      else if (sub > 7) throw new Unsupported(`0xfc ${sub}`);
    } else if (op === 0xfd) {
      const sub = r.u32();
      if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
      else if (sub === 12 || sub === 13) r.bytes(16);
      else if (sub >= 21 && sub <= 34) r.byte();
      else if (sub >= 84 && sub <= 91) {
        memarg(r);
        r.byte();
      }
    } else if (op === 0xfe) {
      const sub = r.u32();
      if (sub === 3) r.byte();
      else memarg(r);
    } else if (op > 0xc4 && op !== 0xd1) throw new Unsupported(`opcode 0x${op.toString(16)}`);
    else if ([0x0a, 0x1f, 0x14, 0x15].includes(op)) throw new Unsupported(`opcode 0x${op.toString(16)}`);
    for (let i = start; i < r.at; i++) out.push(r.b[i]);
  }
}

function rewriteCode(body: Uint8Array, hook: number[], hookBody: number[]): Uint8Array {
  const r = new Reader(body);
  const count = r.u32();
  const out: number[] = [...leb(count + 1)];
  for (let f = 0; f < count; f++) {
    const size = r.u32();
    const end = r.at + size;
    const fn: number[] = [];
    const localsStart = r.at;
    const groups = r.u32();
    for (let g = 0; g < groups; g++) {
      r.u32();
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

const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

function encode(sections: Section[]): Uint8Array {
  const parts: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // No spread of a body: a 150 KB code section as call arguments overflows the stack.
  for (const s of sections) {
    parts.push(s.id, ...leb(s.body.length));
    for (const byte of s.body) parts.push(byte);
  }
  return new Uint8Array(parts);
}

/**
 * The module with its memory capped at `capBytes` and failing grows made fatal, or null when the
 * module's initial memory alone is over the cap (it cannot start: OOM at once).
 */
export function limitMemory(wasm: Uint8Array, capBytes: number): Uint8Array | null {
  const capPages = Math.max(1, Math.floor(capBytes / PAGE));
  const sections = parseSections(wasm);
  const find = (id: number) => sections.find((s) => s.id === id);
  let importedFuncs = 0;
  let importedGlobals = 0;
  // 1. cap the memory, imported or defined
  const imports = find(2);
  if (imports) {
    const r = new Reader(imports.body);
    const out: number[] = [];
    const count = r.u32();
    out.push(...leb(count));
    for (let i = 0; i < count; i++) {
      const start = r.at;
      r.bytes(r.u32());
      r.bytes(r.u32());
      const kind = r.byte();
      for (let j = start; j < r.at; j++) out.push(imports.body[j]);
      if (kind === 2) {
        const limits = capLimits(r, capPages);
        if (!limits) return null;
        out.push(...limits);
        continue;
      }
      const from = r.at;
      if (kind === 0) {
        r.u32();
        importedFuncs++;
      } else if (kind === 1) {
        r.byte();
        capLimitsSkip(r);
      } else if (kind === 3) {
        r.byte();
        r.byte();
        importedGlobals++;
      } else r.u32();
      for (let j = from; j < r.at; j++) out.push(imports.body[j]);
    }
    imports.body = new Uint8Array(out);
  }
  const memories = find(5);
  if (memories) {
    const r = new Reader(memories.body);
    const count = r.u32();
    const out: number[] = [...leb(count)];
    for (let i = 0; i < count; i++) {
      const limits = capLimits(r, capPages);
      if (!limits) return null;
      out.push(...limits);
    }
    memories.body = new Uint8Array(out);
  }
  // 2. hook memory.grow; on anything unknown keep the capped module as it is
  const capped = encode(sections.map((s) => ({ ...s })));
  try {
    const types = find(1);
    const functions = find(3);
    const code = find(10);
    if (!types || !functions || !code) return capped;
    const typeIndex = vecCount(types.body);
    const hookIndex = importedFuncs + vecCount(functions.body);
    const globalIndex = importedGlobals + vecCount(find(6)?.body ?? new Uint8Array());
    const hook = leb(hookIndex);
    const g = leb(globalIndex);
    // (func (param i32) (result i32) (local i32)
    //   local.get 0 memory.grow local.tee 1 i32.const -1 i32.eq
    //   if i32.const 1 global.set $oom unreachable end local.get 1)
    const hookBody = [0x01, 0x01, 0x7f, 0x20, 0x00, 0x40, 0x00, 0x22, 0x01, 0x41, 0x7f, 0x46, 0x04, 0x40, 0x41, 0x01, 0x24, ...g, 0x00, 0x0b, 0x20, 0x01, 0x0b];
    const next: Section[] = sections.map((s) => ({ ...s }));
    const put = (id: number, body: Uint8Array) => {
      const existing = next.find((s) => s.id === id);
      if (existing) existing.body = body;
      else next.push({ id, body });
    };
    put(1, appendVec(types.body, [0x60, 0x01, 0x7f, 0x01, 0x7f]));
    put(3, appendVec(functions.body, leb(typeIndex)));
    put(6, appendVec(find(6)?.body, [0x7f, 0x01, 0x41, 0x00, 0x0b]));
    const name = [...new TextEncoder().encode(OOM_EXPORT)];
    put(7, appendVec(find(7)?.body, [...leb(name.length), ...name, 0x03, ...g]));
    put(10, rewriteCode(code.body, hook, hookBody));
    // Custom sections (id 0) keep their place relative to the one before them; known ones are ordered.
    const ordered = orderSections(next);
    const result = encode(ordered);
    return result;
  } catch (e) {
    if (e instanceof Unsupported) return capped;
    throw e;
  }
}

function capLimitsSkip(r: Reader): void {
  const flags = r.u32();
  r.u32();
  if (flags & 1) r.u32();
}

function orderSections(sections: Section[]): Section[] {
  const known = sections.filter((s) => s.id !== 0).sort((a, b) => SECTION_ORDER.indexOf(a.id) - SECTION_ORDER.indexOf(b.id));
  // Custom sections (names, producers) go last: their position carries no meaning for us.
  return [...known, ...sections.filter((s) => s.id === 0)];
}
