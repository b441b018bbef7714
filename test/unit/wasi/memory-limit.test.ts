/**
 * --memory's one rule for both hosts (engine/wasi/memory-limit.ts), on small modules built here:
 * growing past the limit ends the program (a trap the host reads as 137 + OOMKilled), growing
 * within it works, and a program whose first pages are over the limit never starts.
 */
import { describe, expect, it } from 'vitest';
import { capMemory, limitMemory, memoryLimitHit, WASM_PAGE_BYTES } from '../../../engine/wasi/memory-limit.ts';
import { isEngineError } from '../../../engine/errors.ts';

const section = (id: number, body: number[]) => [id, body.length, ...body];
const name = (s: string) => [s.length, ...new TextEncoder().encode(s)];

/** (func (export "grow") (param i32) (result i32) local.get 0 memory.grow) over a memory of `min` pages. */
function growModule(min: number, options: { max?: number; imported?: boolean } = {}): Uint8Array {
  const limits = options.max === undefined ? [0x00, min] : [0x01, min, options.max];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...(options.imported ? section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits]) : []),
    ...section(3, [1, 0]),
    ...(options.imported ? [] : section(5, [1, ...limits])),
    ...section(7, [1, ...name('grow'), 0x00, 0]),
    ...section(10, [1, 6, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b]),
  ]);
}

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports);
  return { instance, grow: instance.exports.grow as (pages: number) => number };
}

describe('limitMemory: past the limit the process is killed, within it nothing changes', () => {
  const cap = 4 * WASM_PAGE_BYTES;

  it('grows within the limit as before', () => {
    const { instance, grow } = instantiate(limitMemory(growModule(1), cap)!);
    expect(grow(2)).toBe(1);
    expect(memoryLimitHit(instance)).toBe(false);
  });

  it('a grow past the limit traps and says so: the host reports 137 + OOMKilled, the program cannot print', () => {
    const { instance, grow } = instantiate(limitMemory(growModule(1), cap)!);
    expect(grow(3)).toBe(1);
    expect(() => grow(1)).toThrow(WebAssembly.RuntimeError);
    expect(memoryLimitHit(instance)).toBe(true);
  });

  it("a module's own smaller maximum still holds (its failed grow is fatal too)", () => {
    const { instance, grow } = instantiate(limitMemory(growModule(1, { max: 2 }), cap)!);
    expect(() => grow(2)).toThrow(WebAssembly.RuntimeError);
    expect(memoryLimitHit(instance)).toBe(true);
  });

  it('a program whose first pages alone are over the limit does not start (null)', () => {
    expect(limitMemory(growModule(5), cap)).toBeNull();
    expect(capMemory(growModule(5), cap)).toBeNull();
  });

  it('caps an imported memory: the host must create it within the limit', () => {
    const limited = limitMemory(growModule(1, { imported: true }), cap)!;
    const module = new WebAssembly.Module(limited as Uint8Array<ArrayBuffer>);
    expect(() => new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 100 }) } })).toThrow();
    const { instance, grow } = instantiate(limited, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 4 }) } });
    expect(() => grow(4)).toThrow(WebAssembly.RuntimeError);
    expect(memoryLimitHit(instance)).toBe(true);
  });

  it('a limit under one page still leaves the one page a program needs', () => {
    const { grow } = instantiate(limitMemory(growModule(1), 1024)!);
    expect(() => grow(1)).toThrow(WebAssembly.RuntimeError);
  });

  it('bytes that are not a module, or a cut-off one, are refused as invalid content', () => {
    for (const bad of [new TextEncoder().encode('#!/bin/sh\necho hi\n'), growModule(1).subarray(0, 23)]) {
      let error: unknown;
      try {
        limitMemory(bad, cap);
      } catch (e) {
        error = e;
      }
      expect(isEngineError(error, 'invalid-content')).toBe(true);
    }
  });
});

describe('capMemory: the cap alone (a plain runtime with a maximum)', () => {
  it('a refused grow returns -1 to the program, which goes on', () => {
    const { instance, grow } = instantiate(capMemory(growModule(1), 2 * WASM_PAGE_BYTES)!);
    expect(grow(1)).toBe(1);
    expect(grow(1)).toBe(-1);
    expect(memoryLimitHit(instance)).toBe(false);
  });
});
