import { describe, expect, it } from 'vitest';
import { goJson, Template, TemplateError } from '../../../engine/cli/go-template.ts';

const data = {
  Id: 'abc',
  State: { ExitCode: 137, Running: false, OOMKilled: true },
  Config: { Env: ['A=1', 'B=2'], Labels: { team: 'x', app: 'web' }, Cmd: null, Entrypoint: ['/bin/sh', '-c'] },
  Mounts: [{ Name: 'data', Destination: '/data' }, { Name: 'logs', Destination: '/logs' }],
  Name: '/happy',
};

const run = (src: string, d: unknown = data) => new Template(src).execute(d);

describe('Go template subset', () => {
  it.each([
    ['{{.State.ExitCode}}', '137'],
    ['{{.State.OOMKilled}}', 'true'],
    ['{{.Id}} {{.Name}}', 'abc /happy'],
    ['{{.Config.Env}}', '[A=1 B=2]'],
    ['{{.Config.Labels}}', 'map[app:web team:x]'],
    ['{{.Config.Cmd}}', '<nil>'],
    ['{{.Nope}}', '<no value>'],
    ['{{.State.Nope.Deeper}}', '<no value>'],
    ['{{json .Config.Entrypoint}}', '["/bin/sh","-c"]'],
    ['{{json .State}}', '{"ExitCode":137,"Running":false,"OOMKilled":true}'],
    ['{{.Name | upper}}', '/HAPPY'],
    ['{{upper .Name}}', '/HAPPY'],
    ['{{join .Config.Env ","}}', 'A=1,B=2'],
    ['{{index .Config.Labels "team"}}', 'x'],
    ['{{len .Mounts}}', '2'],
    ['{{range .Mounts}}{{.Destination}} {{end}}', '/data /logs '],
    ['{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', 'app=web;team=x;'],
    ['{{range .Nope}}x{{else}}empty{{end}}', 'empty'],
    ['{{if .State.Running}}up{{else}}down{{end}}', 'down'],
    ['{{if eq .State.ExitCode 137}}killed{{end}}', 'killed'],
    ['{{if not .State.Running}}stopped{{end}}', 'stopped'],
    ['{{with .State}}{{.ExitCode}}{{end}}', '137'],
    ['{{if .State.Running}}a{{else if .State.OOMKilled}}oom{{else}}c{{end}}!', 'oom!'],
    ['a  {{- .Id -}}  b', 'aabcb'],
    ['{{printf "%s:%d" .Id .State.ExitCode}}', 'abc:137'],
    ['{{.Id | printf "<%s>"}}', '<abc>'],
    ['{{$.Id}}{{range .Mounts}}{{$.Id}}{{end}}', 'abcabcabc'],
    ['{{title "hello world"}}', 'Hello World'],
    ['{{split "a:b" ":"}}', '[a b]'],
  ])('%s -> %s', (src, out) => {
    expect(run(src)).toBe(out);
  });

  it.each([
    ['{{.Id', 'unclosed action'],
    ['{{foo .Id}}', 'function "foo" not defined'],
    ['{{end}}', 'unexpected {{end}}'],
    ['{{if .Id}}x', 'unexpected EOF'],
    ['{{"open}}', 'unterminated quoted string'],
  ])('%s is refused: %s', (src, message) => {
    expect(() => run(src)).toThrow(TemplateError);
    expect(() => run(src)).toThrow(message);
  });

  it("escapes HTML characters in JSON as Go's encoder does", () => {
    expect(goJson({ Cmd: ['sh', '-c', 'echo a > b && <c>'] })).toBe('{"Cmd":["sh","-c","echo a \\u003e b \\u0026\\u0026 \\u003cc\\u003e"]}');
  });
});
