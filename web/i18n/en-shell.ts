/**
 * What the terminal's page and host shell write themselves, English: the welcome text, the tab's
 * name, `help`, and hints. Docker's own output and the shell's sh-style errors ("No such file or
 * directory") stay English in every language, as a learner will meet them on a real machine.
 * ko-shell.ts holds the same keys in Korean.
 */
export const enShell = {
  'shell.tab': 'Terminal {n}',
  'shell.banner': '{name} - Docker in your browser. Containers here are WebAssembly programs; images and layers are kept in this browser. Type {help} for the shell, or try:',
  'shell.notFoundHint': 'Type `help` for the commands of this shell.',
  'shell.opened': 'Opened {path} in the editor.',
  'shell.created': 'Created {path} and opened it in the editor.',
  'shell.catKeyboard': 'reading from the keyboard is not supported; name a file',
  'shell.stillRunning': "(still running: a container's main process ignores the interrupt, as PID 1 does. See it with docker ps, end it with docker stop NAME.)",
  'shell.prefixAssignment': '{name}=... before a command is not supported here; run `export {name}=...` first',
  'shell.pipes': 'pipes (|) are not supported in this shell; type `help` for what it does',
  'shell.background': 'background jobs (&) are not supported here; use `docker run -d`',
  'shell.help.what': "This is Dockyard's own small shell, not bash. It runs docker and the file commands below on your workspace (~), which is kept in this browser.",
  'shell.help.does': 'It understands quotes, $NAME, $? and $(command), NAME=value and export, cd -, ; && ||, and > or >> into a file.',
  'shell.help.doesNot': 'It has no pipes (|), background jobs (&), wildcards (*), scripts, loops or other programs: run those inside a container, e.g. docker run -it box sh.',
  'shell.help.commands': 'Commands:',
  'shell.help.keys': 'Keys: Up/Down history, Ctrl-R searches it, Tab completes, Ctrl-C interrupts, Ctrl-D ends input, Ctrl-L clears. Escape then Tab leaves the terminal.',
  'shell.help.try': 'Try: docker run hello-world',
  'shell.cmd.docker': 'run a docker command (docker --help lists them)',
  'shell.cmd.curl': 'get a published port: curl http://localhost:PORT/ (-i: headers too)',
  'shell.cmd.wget': 'get a URL into a file (wget -qO- URL prints it)',
  'shell.cmd.ls': 'list files (ls -l for details)',
  'shell.cmd.cd': 'change directory (cd .. goes up, cd - back, cd alone home)',
  'shell.cmd.pwd': 'print the current directory',
  'shell.cmd.cat': 'print files',
  'shell.cmd.echo': 'print text; echo text > file writes a file, >> appends',
  'shell.cmd.mkdir': 'make a directory (-p: with its parents)',
  'shell.cmd.rm': 'remove files (-r: folders too)',
  'shell.cmd.mv': 'rename or move a file or folder',
  'shell.cmd.touch': 'create an empty file',
  'shell.cmd.edit': 'open a file in the editor (a new name creates it)',
  'shell.cmd.export': 'set a variable: export NAME=value (export alone lists them)',
  'shell.cmd.unset': 'remove a variable',
  'shell.cmd.sleep': 'wait some seconds',
  'shell.cmd.true': 'do nothing, successfully (false: unsuccessfully)',
  'shell.cmd.clear': 'clear the screen (also Ctrl-L)',
  'shell.cmd.history': 'list the commands typed so far',
  'shell.cmd.help': 'this text',
} as const;
