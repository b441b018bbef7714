import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { BOX, expectRun, expectSh } from './harness.ts';

const SQLITE = new Uint8Array(readFileSync(new URL('../../../images/sqlite/sqlite3.wasm', import.meta.url)));
const files = { '/usr/bin/sqlite3': SQLITE, '/srv/db': { dir: true as const }, '/bin/sh': BOX };

describe('sqlite3 (our shell around the SQLite amalgamation)', () => {
  it('sqlite3 FILE "SQL" prints rows in list mode; the database persists between runs', async () => {
    await expectSh(
      'cd /srv/db; sqlite3 app.db "CREATE TABLE t(a, b)" "INSERT INTO t VALUES (1, \'x\'), (2, NULL)"; sqlite3 app.db "SELECT * FROM t ORDER BY a"; ls /srv/db',
      { stdout: '1|x\n2|\napp.db\n' }, { files });
  });
  it('reads statements from stdin, each once complete; errors go to stderr', async () => {
    await expectRun(['/usr/bin/sqlite3'], { stdout: '3\nt\n', stderr: 'Error: no such column: nope\n', status: 1 }, {
      files, stdin: 'CREATE TABLE t(x);\nINSERT INTO t\n  VALUES (1), (2), (3);\nSELECT count(*) FROM t;\nSELECT nope;\n.tables\n',
    });
  });
  it('-header and .headers', async () => {
    await expectRun(['/usr/bin/sqlite3', '-header', ':memory:', 'SELECT 1 AS one, 2 AS two'], { stdout: 'one|two\n1|2\n' }, { files });
  });
});
