/**
 * `docker compose logs [-f] [SERVICE...]`: every container's output with Compose's prefix
 * (`web-1  | `), coloured on a terminal; `-f` follows until all have exited or Ctrl-C.
 */
import { EXIT_INTERRUPTED } from '../attach.ts';
import { StatusError } from '../command.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { followAll, logPrinter } from './log-printer.ts';
import { projectContainers, shortName } from './project-containers.ts';
import { selectServices } from './project-model.ts';

export const logs: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'View output from containers',
  flags: [
    { name: 'follow', short: 'f', type: 'bool', usage: 'Follow log output' },
    { name: 'no-color', type: 'bool', usage: 'Produce monochrome output' },
    { name: 'no-log-prefix', type: 'bool', usage: "Don't print prefix in logs" },
    { name: 'tail', short: 'n', type: 'string', usage: 'Number of lines to show from the end of the logs for each container', default: 'all' },
    { name: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps' },
  ],
  async run(ccx, flags, args) {
    const project = await ccx.project();
    const { cx } = ccx;
    const services = selectServices(project, args, false).map((s) => s.name);
    const tailText = flags.string('tail');
    if (tailText !== 'all' && !/^-?\d+$/.test(tailText)) throw new StatusError(1, `invalid value for "tail": "${tailText}"`);
    const tail = tailText === 'all' || Number(tailText) < 0 ? ('all' as const) : Number(tailText);
    const containers = await projectContainers(cx.engine, project.name, { services });
    const targets = containers.map((c) => ({ id: c.summary.Id, label: shortName(c, project.name) }));
    const printer = logPrinter(cx, targets, { colour: cx.io.isTTY === true && !flags.bool('no-color'), prefix: !flags.bool('no-log-prefix'), timestamps: flags.bool('timestamps') });
    if (!flags.bool('follow')) {
      for (const t of targets) {
        for (const entry of await cx.engine.logs(t.id, { stdout: true, stderr: true, tail })) printer.entry(t, entry);
        printer.flush(t);
      }
      return 0;
    }
    const outcome = await followAll(cx.engine, printer, targets, { interrupt: cx.io.signal, tail, onExit: (t) => printer.flush(t) });
    return outcome === 'interrupted' ? EXIT_INTERRUPTED : 0;
  },
};
