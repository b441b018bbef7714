import { whenIdle } from '../lib/idle.ts';

/**
 * What the first screen does not need loads when first opened, so the first paint carries only the
 * header, the terminal and the workspace: the views other than the workspace, the tutorial panel
 * (lessons and markdown), the side-by-side view (which brings the whole docker CLI with it).
 * Each import resolves once; later visits are instant.
 */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | null = null;
  return () => (promise ??= load());
}

export const VIEW_MODULES = {
  images: once(() => import('../Images/ImagesView.svelte')),
  containers: once(() => import('../Containers/ContainersView.svelte')),
  volumes: once(() => import('../Volumes/VolumesView.svelte')),
  storage: once(() => import('../Storage/StorageView.svelte')),
  parity: once(() => import('../Parity/ParityView.svelte')),
  preview: once(() => import('../Preview/PreviewView.svelte')),
};

export const TUTORIAL_MODULES = {
  panel: once(() => import('../Tutorial/TutorialPanel.svelte')),
  state: once(() => import('../Tutorial/tutorial.svelte.ts')),
};

/** Fetch them all once the page is idle, so opening a view later does not wait for the network. */
export function preloadLazyParts(): void {
  whenIdle(() => [...Object.values(VIEW_MODULES), ...Object.values(TUTORIAL_MODULES)].forEach((load) => void load()), 3000);
}
