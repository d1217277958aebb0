// The newsroom workflow from outside, with stock clients against a live
// Newsdesk: graphql-ws (the graphql-transport-ws protocol over a WebSocket)
// and graphql-sse (Server-Sent Events, distinct connections mode, by POST),
// and a plain EventSource (the same protocol by GET) each subscribe to
// liveEntryAdded and must receive the entry a REST write adds afterwards; a preview link shows a draft that the public path hides, and
// stops working once revoked.
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { EventSource } from 'eventsource';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const token = process.argv[3];
if (!token) {
  console.error('usage: live-subscriptions.mjs <base-url> <content:write token>');
  process.exit(2);
}
const auth = { authorization: `Bearer ${token}` };

async function rest(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const listed = await rest('GET', '/api/v1/manage/articles?status=published&limit=1');
const article = listed.data[0];
const query = `subscription($slug: String!) { liveEntryAdded(slug: $slug) { bodyMarkdown } }`;

// Subscribes with `subscribe(sink)`, then adds an entry every 700 ms until
// one arrives (neither protocol acknowledges a subscription), and checks that
// what arrives is an entry this check wrote.
async function check(name, subscribe) {
  const marker = `${name} ${Date.now()}`;
  let unsubscribe = () => {};
  let adding;
  try {
    const received = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no event within 10 s')), 10_000);
      const done = (settle, value) => { clearTimeout(timer); settle(value); };
      unsubscribe = subscribe({
        next: (result) => {
          if (result.errors) return done(reject, new Error(JSON.stringify(result.errors)));
          const body = result?.data?.liveEntryAdded?.bodyMarkdown;
          if (body?.startsWith(marker)) done(resolve, body);
        },
        error: (error) => done(reject, error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {},
      });
      let n = 0;
      const add = () => {
        n += 1;
        rest('POST', `/api/v1/manage/articles/${article.id}/live-entries`, {
          body_markdown: `${marker} #${n}`,
        }).catch((error) => done(reject, error));
      };
      adding = setInterval(add, 700);
    });
    console.log(`${name}: received "${received}" on ${article.slug}`);
    return true;
  } catch (error) {
    console.log(`${name}: FAILED: ${error.message}`);
    return false;
  } finally {
    clearInterval(adding);
    unsubscribe();
  }
}

const ws = createWsClient({
  url: base.replace(/^http/, 'ws') + '/graphql',
  webSocketImpl: WebSocket,
  lazy: true,
  retryAttempts: 0,
});
const sse = createSseClient({ url: base + '/graphql', singleConnection: false, retryAttempts: 0 });

async function preview() {
  try {
    const drafts = await rest('GET', '/api/v1/manage/articles?status=draft&limit=1');
    const draft = drafts.data[0];
    const link = (await rest('POST', `/api/v1/manage/articles/${draft.id}/preview-links`)).data;
    const shown = await fetch(base + link.url);
    const body = await shown.json();
    const hidden = await fetch(`${base}/api/v1/articles/${draft.slug}`);
    if (shown.status !== 200 || body.slug !== draft.slug) throw new Error(`preview answered ${shown.status}`);
    if (shown.headers.get('cache-control') !== 'private, no-store') throw new Error('a preview may be cached');
    if (hidden.status !== 404) throw new Error(`the public path answered ${hidden.status}`);
    await rest('DELETE', `/api/v1/manage/articles/${draft.id}/preview-links`);
    const revoked = await fetch(base + link.url);
    if (revoked.status !== 404) throw new Error(`a revoked link answered ${revoked.status}`);
    console.log(`preview: draft ${draft.slug} shown by its link, hidden publicly, gone once revoked`);
    return true;
  } catch (error) {
    console.log(`preview: FAILED: ${error.message}`);
    return false;
  }
}

const results = [
  await check('graphql-ws', (sink) => ws.subscribe({ query, variables: { slug: article.slug } }, sink)),
  await check('graphql-sse', (sink) => sse.subscribe({ query, variables: { slug: article.slug } }, sink)),
  await check('EventSource', (sink) => {
    const url = `${base}/graphql?query=${encodeURIComponent(query)}`
      + `&variables=${encodeURIComponent(JSON.stringify({ slug: article.slug }))}`;
    const source = new EventSource(url);
    source.addEventListener('next', (event) => sink.next(JSON.parse(event.data)));
    source.addEventListener('complete', () => { source.close(); sink.complete(); });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) sink.error(new Error('the event stream closed'));
    };
    return () => source.close();
  }),
  await preview(),
];
await ws.dispose();
sse.dispose();

const passed = results.filter(Boolean).length;
console.log(`newsroom workflow: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
