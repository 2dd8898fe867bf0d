// rqlite-js (the rqlite project's JavaScript client) against a raftlite node, with credentials.
// Usage: node checks.js MODULE_DIR URL CA_PEM USER PASSWORD READER READER_PASSWORD
// Prints one line per check and exits 0 only when every check passed.
'use strict';
const [moduleDir, url, caPem, user, password, reader, readerPassword] = process.argv.slice(2);
const { DataApiClient, StatusApiClient, BackupApiClient } = require(moduleDir + '/node_modules/rqlite-js');
const https = require('https');
const fs = require('fs');

const agent = new https.Agent({ ca: fs.readFileSync(caPem), keepAlive: true });
const as = (u, p) => ({ httpsAgent: agent, authentication: { username: u, password: p } });
let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log('ok   ' + name); } else { failed++; console.log('FAIL ' + name + ': ' + detail); }
}
async function status(promise) {
  try { await promise; return 200; } catch (e) { return e.response ? e.response.status : (e.status || e.code || String(e)); }
}

/** The body of a response rqlite-js hands back as a stream (its backup). */
async function text(res) {
  const body = res && (res.data !== undefined ? res.data : res.body !== undefined ? res.body : res);
  if (body && typeof body.on === 'function') {
    const chunks = [];
    for await (const c of body) { chunks.push(Buffer.from(c)); }
    return Buffer.concat(chunks).toString('utf8');
  }
  return typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
}

async function main() {
  const data = new DataApiClient(url, as(user, password));
  let r = await data.execute('CREATE TABLE foo (id integer not null primary key, name text)');
  check('execute CREATE TABLE', !r.hasError(), JSON.stringify(r.toArray()));
  r = await data.execute('INSERT INTO foo(name) VALUES("fiona")');
  const id = r.get(0).getLastInsertId();
  check('execute INSERT, last insert id', !r.hasError() && id === 1, JSON.stringify(r.toArray()));
  r = await data.execute([['INSERT INTO foo(name) VALUES(?)', 'sinead'], ['INSERT INTO foo(name) VALUES(:n)', { n: 'declan' }]]);
  check('execute with positional and named parameters', !r.hasError() && r.get(1).getRowsAffected() === 1,
    JSON.stringify(r.toArray()));
  r = await data.query(`SELECT name FROM foo WHERE id="${id}"`);
  check('query by GET', !r.hasError() && r.get(0).get('name') === 'fiona', JSON.stringify(r.toArray()));
  for (const level of ['none', 'weak', 'linearizable', 'strong']) {
    r = await data.query('SELECT count(*) AS n FROM foo', { level });
    check('query level=' + level, !r.hasError() && r.get(0).get('n') === 3, JSON.stringify(r.toArray()));
  }
  r = await data.query(['SELECT name FROM foo ORDER BY id', 'SELECT nosuch FROM foo']);
  const rows = r.toArray(); // rqlite-js flattens rows: one entry per row, then the error
  check('multiple queries, one failing', r.hasError() && rows.length === 4 && rows[0].name === 'fiona'
    && JSON.stringify(r.getFirstError().toObject()).includes('no such column'), JSON.stringify(rows));
  r = await data.execute('INSERT INTO foo(id, name) VALUES(1, "again")');
  check('a constraint error is a result error', r.hasError()
    && JSON.stringify(r.getFirstError().toObject()).includes('UNIQUE'), JSON.stringify(r.toArray()));

  const s = await new StatusApiClient(url, as(user, password)).status();
  check('status', s && s.body && s.body.store !== undefined, JSON.stringify(s && s.body).slice(0, 200));
  const backups = new BackupApiClient(url, as(user, password));
  const sql = await text(await backups.backup('sql'));
  check('backup as SQL', sql.includes('CREATE TABLE foo') && sql.includes('fiona'), sql.slice(0, 200));
  const loaded = await backups.load('CREATE TABLE bar (x); INSERT INTO bar VALUES (42);');
  r = await data.query('SELECT x FROM bar', { level: 'strong' });
  check('load a SQL dump', loaded !== undefined && r.get(0).get('x') === 42, JSON.stringify(r.toArray()));

  const readOnly = new DataApiClient(url, as(reader, readerPassword));
  r = await readOnly.query('SELECT count(*) AS n FROM foo');
  check('a query-only user reads', !r.hasError() && r.get(0).get('n') === 3, JSON.stringify(r.toArray()));
  check('a query-only user cannot write (403)', await status(readOnly.execute('DELETE FROM foo')) === 403, '');
  check('a wrong password is refused (401)',
    await status(new DataApiClient(url, as(user, 'wrong')).query('SELECT 1')) === 401, '');
  check('no credentials are refused (401)',
    await status(new DataApiClient(url, { httpsAgent: agent }).query('SELECT 1')) === 401, '');
  r = await data.query('SELECT count(*) AS n FROM foo', { level: 'strong' });
  check('nothing was written by refused requests', r.get(0).get('n') === 3, JSON.stringify(r.toArray()));
}

main().then(() => {
  console.log(`rqlite-js checks: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}, (e) => {
  console.log('rqlite-js checks: aborted: ' + (e && e.stack || e));
  process.exit(1);
});
