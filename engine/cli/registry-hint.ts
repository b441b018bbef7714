/**
 * What a learner reads after `docker run nginx` (or redis, postgres, ...): Docker's own "pull
 * access denied ... repository does not exist", then one line naming the images the playground's
 * registry has, and which of them stands in for the well-known ones.
 */

/** The images the built-in registry serves: the folders of images/layouts (a test keeps them equal). */
export const BUILTIN_IMAGES: readonly string[] = ['box', 'greeter', 'hello-world', 'httpd', 'kv', 'sqlite'];

/** The line after an error about a Docker Hub image the registry lacks; undefined for any other error. */
export function missingImageHint(message: string): string | undefined {
  const name = /pull access denied for ([^,\s]+), repository does not exist/.exec(message)?.[1];
  // A name with a namespace or a registry (someone/app, ghcr.io/x) was never one of ours.
  if (!name || name.includes('/')) return undefined;
  return `This playground's registry has no ${name} image; it has ${BUILTIN_IMAGES.join(', ')} (httpd is the web server here, kv the key-value store).`;
}
