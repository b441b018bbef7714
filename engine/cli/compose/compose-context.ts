/**
 * What every compose subcommand works with: the docker CLI's context, the global options
 * (`-f`, `-p`), the project loaded on demand, and Compose's two kinds of message on stderr:
 * progress lines (` Container hits-web-1  Started`, as Compose prints them without a
 * terminal UI) and warnings (`WARN[0000] ...`).
 */
import type { CommandContext } from '../command.ts';
import { ComposeError } from './compose-error.ts';
import { loadProject } from './load.ts';
import { buildProject, type Project } from './project-model.ts';

export interface ComposeOptions {
  files: string[];
  projectName?: string;
}

export interface ComposeContext {
  cx: CommandContext;
  options: ComposeOptions;
  project(): Promise<Project>;
  progress(kind: 'Network' | 'Volume' | 'Container' | 'Service' | '', name: string, status: string): void;
  warn(text: string): void;
}

/** The terminal's directory when the host does not say (a Node script): Compose then names the project "learner". */
const DEFAULT_DIR = '/home/learner';

export function composeContext(cx: CommandContext, options: ComposeOptions): ComposeContext {
  let loading: Promise<Project> | undefined;
  const warn = (text: string) => cx.err(`WARN[0000] ${text}\n`);
  return {
    cx,
    options,
    warn,
    project() {
      const readFile = cx.io.readFile;
      if (!readFile) return Promise.reject(new ComposeError('this terminal cannot read files: no compose file can be loaded'));
      loading ??= loadProject({
        files: options.files,
        ...(options.projectName !== undefined ? { projectName: options.projectName } : {}),
        workingDir: cx.io.workingDir ?? DEFAULT_DIR,
        readFile: (path) => readFile(path),
        warn,
      }).then(buildProject);
      return loading;
    },
    progress(kind, name, status) {
      // A pull names the service alone, with one space: ` kv Pulling`.
      if (!kind) return cx.err(` ${name} ${status}\n`);
      cx.err(` ${kind === 'Volume' ? `Volume "${name}"` : `${kind} ${name}`}  ${status}\n`);
    },
  };
}
