// Webhooks from outside: a receiver that verifies every delivery with the
// reference Standard Webhooks library (`standardwebhooks`) answers 500 to
// the first two attempts of each message and accepts the third. Newsdesk is
// stopped while a delivery is pending and started again; the delivery must
// still arrive, verified, accepted once. With a PostgreSQL URL, two nodes
// over one database must between them send each attempt once.
//
// usage: webhooks.mjs <newsdesk binary> <sqlite url> [<empty postgres database url>]
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const [bin, sqliteUrl, pgUrl] = process.argv.slice(2);
if (!bin || !sqliteUrl) {
  console.error('usage: webhooks.mjs <newsdesk binary> <sqlite url> [<postgres url>]');
  process.exit(2);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const FAILURES_FIRST = 2;

// The receiver: every attempt verified; per message, two failures, then 204.
function receiver() {
  const state = { secret: null, attempts: new Map(), accepted: new Map(), unverified: [] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      try {
        new Webhook(state.secret).verify(body, req.headers);
      } catch (error) {
        state.unverified.push(`${req.headers['webhook-id']}: ${error.message}`);
        res.writeHead(400).end();
        return;
      }
      const id = req.headers['webhook-id'];
      const n = (state.attempts.get(id) ?? 0) + 1;
      state.attempts.set(id, n);
      if (n <= FAILURES_FIRST) {
        res.writeHead(500).end('not yet');
        return;
      }
      state.accepted.set(id, (state.accepted.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${server.address().port}/hook`;
      state.close = () => server.close();
      resolve(state);
    });
  });
}

function cli(dbUrl, args) {
  const out = spawnSync(bin, args, {
    env: { ...process.env, NEWSDESK_DATABASE_URL: dbUrl, NEWSDESK_LOG: 'warn', NEWSDESK_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`newsdesk ${args.join(' ')}: ${out.stderr}`);
  return out.stdout.trim().split('\n').at(-1);
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startNode(dbUrl) {
  const port = await freePort();
  const child = spawn(bin, ['serve', '--no-demo'], {
    env: {
      ...process.env,
      NEWSDESK_DATABASE_URL: dbUrl,
      NEWSDESK_BIND: `127.0.0.1:${port}`,
      NEWSDESK_LOG: 'warn',
      NEWSDESK_JWT_SECRET: 'webhook-check-secret-of-at-least-32-characters',
      NEWSDESK_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      NEWSDESK_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,1s',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { base, child };
    } catch { /* not up yet */ }
    await sleep(100);
  }
  throw new Error('newsdesk did not start');
}

async function stopNode(node) {
  const exited = new Promise((resolve) => node.child.on('exit', resolve));
  node.child.kill('SIGTERM');
  await exited;
}

async function rest(base, token, method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function until(what, predicate, ms = 20000) {
  for (let waited = 0; waited < ms; waited += 100) {
    if (predicate()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Stopped while a delivery is pending, then started again: it still arrives.
async function acrossARestart() {
  const hook = await receiver();
  try {
    hook.secret = cli(sqliteUrl, ['webhook', 'create', '--url', hook.url, '--events', '*']);
    const token = cli(sqliteUrl, ['token', 'create', '--name', 'webhook check', '--scopes', 'content:write']);
    let node = await startNode(sqliteUrl);
    const sections = await (await fetch(`${node.base}/api/v1/sections`)).json();
    const created = await rest(node.base, token, 'POST', '/api/v1/manage/articles', {
      title: `Webhook check ${Date.now()}`,
      body_markdown: 'Checked from outside.',
      section: sections.data[0].slug,
    });
    const { id } = await created.json();
    await rest(node.base, token, 'POST', `/api/v1/manage/articles/${id}/publish`, undefined, {
      'if-match': created.headers.get('etag'),
    });
    await rest(node.base, token, 'POST', '/api/v1/manage/tags', { name: `Webhook check ${Date.now()}` });
    await until('the first attempt', () => hook.attempts.size > 0 && [...hook.attempts.values()].some((n) => n >= 1));
    await stopNode(node);
    const before = [...hook.attempts.values()].reduce((a, b) => a + b, 0);
    await sleep(1500);
    const whileDown = [...hook.attempts.values()].reduce((a, b) => a + b, 0);
    if (whileDown !== before) throw new Error('attempts arrived while Newsdesk was stopped');
    node = await startNode(sqliteUrl);
    await until('every message accepted', () => hook.attempts.size > 0
      && [...hook.attempts.keys()].every((id) => hook.accepted.get(id) === 1));
    await sleep(1500);
    await stopNode(node);
    if (hook.unverified.length) throw new Error(`deliveries failed verification: ${hook.unverified.join('; ')}`);
    const extra = [...hook.attempts.entries()].filter(([, n]) => n !== FAILURES_FIRST + 1);
    if (extra.length) throw new Error(`messages attempted other than ${FAILURES_FIRST + 1} times: ${JSON.stringify(extra)}`);
    console.log(`webhook restart: ${hook.attempts.size} message(s) verified by standardwebhooks, accepted once after ${FAILURES_FIRST} failures and a restart`);
    return true;
  } catch (error) {
    console.log(`webhook restart: FAILED: ${error.message}`);
    return false;
  } finally {
    hook.close();
  }
}

// Two nodes over one PostgreSQL database send each attempt once.
async function twoNodes() {
  const hook = await receiver();
  const nodes = [];
  try {
    hook.secret = cli(pgUrl, ['webhook', 'create', '--url', hook.url, '--events', 'tag.*']);
    const token = cli(pgUrl, ['token', 'create', '--name', 'webhook check', '--scopes', 'content:write']);
    nodes.push(await startNode(pgUrl), await startNode(pgUrl));
    const writes = 12;
    for (let i = 0; i < writes; i += 1) {
      await rest(nodes[i % 2].base, token, 'POST', '/api/v1/manage/tags', { name: `Two nodes ${Date.now()} ${i}` });
    }
    await until('every message accepted', () => hook.accepted.size === writes, 30000);
    await sleep(2500);
    if (hook.unverified.length) throw new Error(`deliveries failed verification: ${hook.unverified.join('; ')}`);
    const twice = [...hook.attempts.entries()].filter(([, n]) => n !== FAILURES_FIRST + 1);
    const accepted = [...hook.accepted.values()].filter((n) => n !== 1);
    if (twice.length || accepted.length) throw new Error(`sent more than once: ${JSON.stringify(twice)}`);
    console.log(`webhook two nodes: ${writes} messages over PostgreSQL, each attempt sent once`);
    return true;
  } catch (error) {
    console.log(`webhook two nodes: FAILED: ${error.message}`);
    return false;
  } finally {
    for (const node of nodes) await stopNode(node);
    hook.close();
  }
}

const results = [await acrossARestart()];
if (pgUrl) {
  results.push(await twoNodes());
} else {
  console.log('webhook two nodes: SKIPPED (no PostgreSQL)');
}
const passed = results.filter(Boolean).length;
console.log(`webhooks: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
