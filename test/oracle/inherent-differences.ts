/**
 * Differences between the real Docker Engine and the kernel service that come from what each is,
 * not from a bug: the ONE list of them, each with its reason. Each rewrites both engines' output the
 * same way before the comparison; whatever is still different fails the scenario. A disagreement
 * that is a bug goes in open-differences.ts instead, never here.
 */
import type { CliResult } from './docker-cli.ts';

export interface InherentDifference {
  id: string;
  reason: string;
  /** Applied to both engines' normalized output of `docker <argv>`. */
  rewrite(result: CliResult, argv: string[]): CliResult;
}

const mapOutput = (r: CliResult, f: (s: string) => string): CliResult => ({ ...r, stdout: f(r.stdout), stderr: f(r.stderr) });

export const INHERENT_DIFFERENCES: InherentDifference[] = [
  {
    id: 'sizes',
    reason:
      'The base images hold different programs (box.wasm and its applets vs Debian\'s busybox-static), so every size that includes the base differs: image sizes, container virtual sizes. Build contexts are the same files on both, but sizes are rewritten everywhere for one rule.',
    rewrite: (r) => mapOutput(r, (s) => s.replace(/\b\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB)\b/g, '<size>')),
  },
  {
    id: 'engine-version',
    reason:
      'The reference is Debian\'s Docker Engine 20.10; we answer as Engine 28 (API 1.50), whose legacy builder words two lines differently: "Removing intermediate container X" became " ---> Removed intermediate container X", "dockerfile parse error line N" became "dockerfile parse error on line N" (BuildKit\'s parser), and HEALTHCHECK\'s history entry has one duration more (StartInterval, API 1.44). The 20.10 forms are rewritten to 28\'s.',
    rewrite: (r) =>
      mapOutput(r, (s) =>
        s
          .replace(/^Removing intermediate container /gm, ' ---> Removed intermediate container ')
          .replace(/dockerfile parse error line (\d+):/g, 'dockerfile parse error on line $1:')
          .replace(/HEALTHCHECK &\{(\[[^\]]*\]) ("[^"]*") ("[^"]*") ("[^"]*") ('[^']*')\}/g, 'HEALTHCHECK &{$1 $2 $3 $4 "0s" $5}'),
      ),
  },
  {
    id: 'copy-hash',
    reason:
      'COPY and ADD name their sources in the history by a hash: Docker\'s hashes each file\'s tar header with its time and owner on the machine that sent the context; ours hashes path, mode and content only, so the same context gives the same image ID on both of our hosts.',
    rewrite: (r) => mapOutput(r, (s) => s.replace(/\b(COPY|ADD) (file|dir|multi):[0-9a-f]+(…)?/g, '$1 $2:<hash>')),
  },
  {
    id: 'base-history',
    reason:
      'The base images have different histories: box was assembled in two steps (its rootfs ADD and CMD), the reference\'s busybox was imported in one ("Imported from -"). Those rows of `docker history` are left out; the rows a build adds are compared.',
    rewrite: (r, argv) => (argv[0] === 'history' ? { ...r, stdout: r.stdout.split('\n').filter((l, i, all) => i === all.length - 1 || !isBaseRow(l)).join('\n') } : r),
  },
  {
    id: 'shell-name',
    reason:
      'The shells are different programs: busybox\'s sh names itself by the path it was started as ("/bin/sh: x: not found"), box\'s sh always as "sh".',
    rewrite: (r) => mapOutput(r, (s) => s.replace(/^(\x1b\[91m)?\/bin\/sh: /gm, '$1sh: ')),
  },
  {
    id: 'write-pieces',
    reason:
      'box\'s programs write a line in pieces where busybox\'s write it whole, and Docker\'s legacy builder wraps each write of a RUN step to stderr in red ("\\e[91m...\\e[0m"): adjacent red pieces are joined.',
    rewrite: (r) => mapOutput(r, (s) => s.replaceAll('\x1b[0m\x1b[91m', '')),
  },
  {
    id: 'guest-pwd',
    reason:
      'WASI preview1 has no working directory: our hosts hand the program its directory as PWD (engine/wasi/spawn-abi.ts), so a wasm program\'s environment holds PWD where a native program\'s does not.',
    rewrite: (r, argv) => (argv.includes('env') ? { ...r, stdout: r.stdout.replace(/^PWD=.*\n/gm, '') } : r),
  },
  {
    id: 'storage-path',
    reason:
      "Docker's daemon names a path in a container by where its overlay is mounted on the host (`lstat /var/lib/docker/overlay2/<id>/merged/srv/x: not a directory`); ours names the container's own path (`lstat /srv/x: ...`): our storage directories are not the user's business (docker cp's errors).",
    rewrite: (r) => mapOutput(r, (s) => s.replace(/\S*\/overlay2\/[0-9a-f]+\/merged(\/\S*)/g, '$1')),
  },
  {
    id: 'ephemeral-ports',
    reason:
      "An ephemeral host port (-P, -p 127.0.0.1::80) is the allocator's next free one: the reference's namespace has them all free, ours publish on this machine's loopback beside other programs. And Engine 20.10 allocates the IPv6 half of a binding apart from the IPv4 half (80/tcp -> 0.0.0.0:32768 and [::]:32769), where Engine 28 gives both the same port (as ours). Host ports of the ephemeral range (32768-60999) after an address's colon or as a HostPort are rewritten to <ephemeral>.",
    rewrite: (r) => mapOutput(r, (s) => s.replace(/(?<=\]:|\d:|HostPort":")(?:3276[89]|327[7-9]\d|32[89]\d\d|3[3-9]\d{3}|[45]\d{4}|60\d{3})(?![\d.])/g, '<ephemeral>')),
  },
  {
    id: 'no-host-network',
    reason:
      "Our engines have no host network (engine/core/network-endpoints.ts HOST_NETWORK_REFUSED): a container never shares the network of the machine it runs on. The reference's `host` row of `docker network ls` is left out; `--network host` itself is compared in test/oracle/networks.test.ts as the refusal it is.",
    rewrite: (r, argv) => (argv[0] === 'network' && argv[1] === 'ls' ? { ...r, stdout: r.stdout.split('\n').filter((l) => !/^(?:\S+\s+)?host\s+host\s+local\b/.test(l)).join('\n') } : r),
  },
];

/** A row of the base images' own history: box's two steps, the reference's import (its CreatedBy is empty). */
function isBaseRow(line: string): boolean {
  return line === '' || line.includes('Imported from -') || line.includes('# images/box') || (line.includes('CMD ["sh"]') && !line.includes('#(nop)'));
}

export function applyInherent(result: CliResult, argv: string[]): CliResult {
  return INHERENT_DIFFERENCES.reduce((r, d) => d.rewrite(r, argv), result);
}
