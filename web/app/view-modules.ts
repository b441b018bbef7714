/**
 * The views other than the workspace load when first opened, so the first paint carries only the
 * terminal and the workspace. Each import resolves once; later visits are instant.
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
};

/** Fetch them all once the page is idle, so opening a view later does not wait for the network. */
export function preloadViews(): void {
  const run = () => Object.values(VIEW_MODULES).forEach((load) => void load());
  if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 1500);
}
