/**
 * The example projects a new workspace starts with: the build contexts the images engineer keeps
 * under `images/examples/<project>/`, copied in at build time. They are fetched only when a
 * workspace is seeded, so they cost nothing on a normal page load.
 */
const files = import.meta.glob<string>('/images/examples/**/*', { query: '?url', import: 'default' });
// The Compose projects: a compose.yaml beside the hits example's Dockerfile, and the ticker project
// (exhaustive: its .env too, which a plain glob leaves out as a hidden file).
const composeFiles = import.meta.glob<string>('/web/Workspace/compose-examples/**/*', { query: '?url', import: 'default', exhaustive: true });

/** Bump when the shipped examples change in a way an existing workspace should receive. */
export const EXAMPLES_VERSION = 2;

const WELCOME = `# Your workspace

These files live in your browser (IndexedDB) and survive a reload.

- examples/ holds projects with a Dockerfile each; open one in the terminal with
  \`cd examples/<name>\` and build it with \`docker build -t <name> .\`
- examples/hits and examples/ticker are Compose projects: \`cd examples/hits\` and
  \`docker compose up -d\`, then \`docker compose ps\`, \`logs\`, \`down\`.
- \`edit FILE\` opens a file in the editor; \`help\` lists the shell's commands.
`;

export async function loadExamples(): Promise<Array<{ path: string; content: Uint8Array }>> {
  const out = [{ path: 'README.md', content: new TextEncoder().encode(WELCOME) }];
  const shipped = [...Object.entries(files), ...Object.entries(composeFiles)];
  for (const [key, load] of shipped) {
    const url = await load();
    const response = await fetch(url);
    if (!response.ok) continue;
    out.push({ path: key.replace(/^\/images\//, '').replace(/^\/web\/Workspace\/compose-examples\//, 'examples/'), content: new Uint8Array(await response.arrayBuffer()) });
  }
  return out;
}
