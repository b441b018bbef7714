/**
 * `docker compose config`: the project as Compose normalizes it - its name, services in name
 * order with the long forms (ports, volumes, depends_on, networks), the build context as an
 * absolute path, the networks and volumes with their engine names - as YAML.
 */
import { stringify } from 'yaml';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { joinPath } from './paths.ts';
import type { Project } from './project-model.ts';
import type { Service } from './service-model.ts';

export const config: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Parse, resolve and render compose file in canonical format',
  flags: [
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only validate the configuration, don\'t print anything' },
    { name: 'services', type: 'bool', usage: 'Print the service names, one per line.' },
    { name: 'volumes', type: 'bool', usage: 'Print the volume names, one per line.' },
  ],
  async run(ccx, flags) {
    const project = await ccx.project();
    if (flags.bool('quiet')) return 0;
    if (flags.bool('services')) ccx.cx.out(project.services.map((s) => `${s.name}\n`).join(''));
    else if (flags.bool('volumes')) ccx.cx.out(Object.keys(project.volumes).map((v) => `${v}\n`).join(''));
    else ccx.cx.out(stringify(canonical(project), { lineWidth: 0 }));
    return 0;
  },
};

export function canonical(project: Project): Record<string, unknown> {
  const services = Object.fromEntries([...project.services].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.name, serviceView(project, s)]));
  const out: Record<string, unknown> = { name: project.name, services };
  const networks = Object.entries(project.networks).sort(([a], [b]) => a.localeCompare(b));
  if (networks.length) out.networks = Object.fromEntries(networks.map(([key, n]) => [key, { name: n.name, ...(n.external ? { external: true } : {}), ...(Object.keys(n.labels).length ? { labels: n.labels } : {}) }]));
  const volumes = Object.entries(project.volumes).sort(([a], [b]) => a.localeCompare(b));
  if (volumes.length) out.volumes = Object.fromEntries(volumes.map(([key, v]) => [key, { name: v.name, ...(v.external ? { external: true } : {}), ...(Object.keys(v.labels).length ? { labels: v.labels } : {}) }]));
  return out;
}

function serviceView(project: Project, s: Service): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  if (s.build) {
    view.build = {
      context: joinPath(project.loaded.absoluteDir, s.build.context),
      dockerfile: s.build.dockerfile ?? 'Dockerfile',
      ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}),
      ...(s.build.target ? { target: s.build.target } : {}),
    };
  }
  if (s.command) view.command = s.command;
  if (s.containerName) view.container_name = s.containerName;
  if (Object.keys(s.dependsOn).length) view.depends_on = Object.fromEntries(Object.entries(s.dependsOn).map(([k, c]) => [k, { condition: c, required: true }]));
  if (s.entrypoint) view.entrypoint = s.entrypoint;
  if (Object.keys(s.environment).length) view.environment = s.environment;
  if (s.expose.length) view.expose = s.expose;
  if (s.healthcheck) view.healthcheck = healthView(s.healthcheck);
  if (s.hostname) view.hostname = s.hostname;
  view.image = s.image;
  if (Object.keys(s.labels).length) view.labels = s.labels;
  view.networks = Object.fromEntries(Object.entries(s.networks).map(([k, aliases]) => [k, aliases.length ? { aliases } : null]));
  if (s.ports.length) {
    view.ports = s.ports.map((p) => ({ mode: 'ingress', ...(p.hostIp ? { host_ip: p.hostIp } : {}), target: p.target, ...(p.published ? { published: p.published } : {}), protocol: p.protocol }));
  }
  if (s.stdinOpen) view.stdin_open = true;
  if (s.stopGracePeriod !== undefined) view.stop_grace_period = `${s.stopGracePeriod}s`;
  if (s.stopSignal) view.stop_signal = s.stopSignal;
  if (s.tty) view.tty = true;
  if (s.volumes.length) {
    view.volumes = s.volumes.map((v) => ({ type: 'volume', ...(v.source ? { source: v.source } : {}), target: v.target, ...(v.readOnly ? { read_only: true } : {}), volume: {} }));
  }
  if (s.workingDir) view.working_dir = s.workingDir;
  return view;
}

function healthView(h: NonNullable<Service['healthcheck']>): Record<string, unknown> {
  const seconds = (ns: number | undefined) => (ns === undefined ? undefined : `${ns / 1e9}s`);
  if (h.Test[0] === 'NONE') return { disable: true };
  return Object.fromEntries(
    Object.entries({ test: h.Test.length ? h.Test : undefined, timeout: seconds(h.Timeout), interval: seconds(h.Interval), retries: h.Retries, start_period: seconds(h.StartPeriod) }).filter(([, v]) => v !== undefined),
  );
}
