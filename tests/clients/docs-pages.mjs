// The browser pages from outside, in headless Chromium with the internet
// cut off: /docs (Redoc over openapi.yaml) and GraphiQL at /graphql must
// render from the server's own assets with no console error and no request
// leaving the server, and GraphiQL must run a query. Screenshots of both go
// to the folder given, for the README.
//
// usage: docs-pages.mjs <base-url> <chromium> [<screenshot folder>]
import puppeteer from 'puppeteer-core';

const [base, chromium, shots] = process.argv.slice(2);
if (!base || !chromium) {
  console.error('usage: docs-pages.mjs <base-url> <chromium> [<screenshot folder>]');
  process.exit(2);
}
const host = new URL(base).hostname;
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: [
    '--no-sandbox',
    // Offline: every name but this server's fails to resolve.
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host}`,
  ],
});

async function visit(name, path, check) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) => problems.push(`failed: ${req.url()}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`left the server: ${url}`);
    }
  });
  try {
    const res = await page.goto(base + path, { waitUntil: 'networkidle0', timeout: 30000 });
    const csp = res.headers()['content-security-policy'] ?? '';
    if (!csp.includes("default-src 'self'")) problems.push(`no strict CSP: ${csp}`);
    await check(page);
    if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
    if (problems.length) throw new Error(problems.join('; '));
    console.log(`${name}: rendered offline from the server's own assets`);
    return true;
  } catch (error) {
    console.log(`${name}: FAILED: ${error.message}`);
    return false;
  } finally {
    await page.close();
  }
}

const results = [
  await visit('docs', '/docs', async (page) => {
    await page.waitForFunction(
      () => document.body.innerText.includes('Newsdesk REST API')
        && document.querySelector('.api-content') !== null,
      { timeout: 20000 },
    );
  }),
  await visit('graphiql', '/graphql', async (page) => {
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20000 });
    await page.evaluate(() => {
      document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror
        .setValue('{ sections { slug name } }');
    });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => {
      const out = document.querySelector('.graphiql-response .CodeMirror');
      return out && out.CodeMirror.getValue().includes('"sections"');
    }, { timeout: 20000 });
  }),
];
await browser.close();
const passed = results.filter(Boolean).length;
console.log(`docs pages: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
