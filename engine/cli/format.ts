/**
 * `--format` for list commands, as docker's formatter package: empty or `table` is the command's
 * default table; `table TEMPLATE` is a table with a header row made from the same template;
 * `json` is one JSON object per line; anything else is a Go template printed once per row.
 * A literal `\t` or `\n` typed in the format is a tab or newline, as docker replaces them.
 */
import { StatusError } from './command.ts';
import { goJson, Template, TemplateError } from './go-template.ts';
import { tabwrite } from './table.ts';

export interface ListFormat {
  /** Default table template, e.g. `table {{.ID}}\t{{.Image}}`. */
  table: string;
  /** Column titles by field name (`ID` -> `CONTAINER ID`). */
  headers: Record<string, string>;
}

function compile(source: string): Template {
  try {
    return new Template(source);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(1, `template parsing error: ${e.message}`);
    throw e;
  }
}

function execute(t: Template, data: unknown): string {
  try {
    return t.execute(data);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(1, `template parsing error: ${e.message}`);
    throw e;
  }
}

export function renderList(format: string, rows: Array<Record<string, unknown>>, spec: ListFormat): string {
  let source = format === '' || format === 'table' ? spec.table : format;
  if (source === 'json') return rows.map((r) => goJson(r) + '\n').join('');
  const isTable = source.startsWith('table');
  if (isTable) source = source.slice('table'.length);
  source = source.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const template = compile(source);
  const lines = rows.map((r) => execute(template, r));
  if (!isTable) return lines.map((l) => l + '\n').join('');
  return tabwrite([execute(template, spec.headers), ...lines].join('\n').split('\n'));
}
