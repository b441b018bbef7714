import type { Shipped } from './base-images.ts';

/**
 * Images built FROM box by the engine's own builder from the example contexts under
 * images/examples/, so the playground's `docker build` of the same context gives the same ID.
 */
export async function buildExamples(_root: string, _base: Shipped[]): Promise<Shipped[]> {
  return [];
}
