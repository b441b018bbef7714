/** `docker compose build [SERVICE...]`: every service with a `build:` section, built and tagged with its image name. */
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { buildImage } from './images.ts';
import { selectServices } from './project-model.ts';

export const build: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Build or rebuild services',
  async run(ccx, _flags, args) {
    const project = await ccx.project();
    for (const service of selectServices(project, args, false)) {
      if (service.build) await buildImage(ccx, project, service);
    }
    return 0;
  },
};
