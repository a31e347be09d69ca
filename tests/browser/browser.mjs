#!/usr/bin/env node
// Browser tests of the Credence pages: headless Chromium (the system build, driven by
// playwright-core) against a running `credence serve`, with axe-core for accessibility.
//
//   node browser.mjs BASE_URL --token TOKEN --claim CLAIM_URL [--revocable-claim CLAIM_URL]
//                    [--email EMAIL] [--out DIR] [--screenshots DIR] [--chromium PATH]
//
// TOKEN is an API token (the bootstrap token) for the admin API; CLAIM_URL the claim link of a
// badge issued to EMAIL with sharing off; the optional second claim link is of another badge,
// which the script revokes through the admin API.
// Downloads go to DIR (a temporary folder by default). Prints one line per check and closes with
// `N passed, N failed`; exits 1 when a check failed, 2 when misused.

import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {chromium} from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PHONE = {width: 375, height: 740};

const USAGE = 'usage: node browser.mjs BASE_URL --token TOKEN --claim CLAIM_URL ' +
  '[--revocable-claim CLAIM_URL] [--email EMAIL] [--out DIR] [--screenshots DIR] ' +
  '[--chromium PATH]';

function parseArgs(argv) {
  const opts = {
    email: 'amira.okafor@example.nhs.uk',
    chromium: '/usr/bin/chromium',
  };
  const names = {
    '--token': 'token', '--claim': 'claim', '--revocable-claim': 'revocableClaim',
    '--email': 'email', '--out': 'out', '--screenshots': 'screenshots',
    '--chromium': 'chromium',
  };
  const rest = [];
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(names[a]) {
      if(i + 1 >= argv.length) {
        misuse(`${a} needs a value`);
      }
      opts[names[a]] = argv[++i];
    } else if(a.startsWith('--')) {
      misuse(`unknown option ${a}`);
    } else {
      rest.push(a);
    }
  }
  if(rest.length !== 1 || !opts.token || !opts.claim) {
    misuse('BASE_URL, --token and --claim are required');
  }
  opts.base = rest[0].replace(/\/+$/, '');
  opts.out ??= mkdtempSync(join(tmpdir(), 'credence-browser-'));
  return opts;
}

function misuse(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// A tiny runner: named checks, run in order, each pass or fail.

const tally = {passed: 0, failed: 0};

async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    tally.passed++;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch(e) {
    tally.failed++;
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
  }
}

function assert(cond, message) {
  if(!cond) {
    throw new Error(message);
  }
}

function assertEqual(actual, expected, what) {
  if(actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, ` +
      `got ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------------------
// Page helpers.

/** Runs axe-core on the page (WCAG 2.0/2.1/2.2 A and AA) and fails on any violation. */
async function axe(page, what) {
  // `evaluate` runs through the DevTools protocol, which the page's CSP does not govern, so
  // the strict policy stays on for the page itself.
  if(!await page.evaluate('typeof window.axe !== "undefined"')) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(tags => window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  }), AXE_TAGS);
  const lines = result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help}\n    ` +
    v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').join(' ')}`)
      .join('\n    '));
  assert(lines.length === 0,
    `${what}: ${lines.length} accessibility violation(s):\n  ${lines.join('\n  ')}`);
}

/** Fails when the page scrolls sideways. */
async function noHorizontalScroll(page, what) {
  const {scroll, client} = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert(scroll <= client,
    `${what}: page is ${scroll} px wide in a ${client} px viewport (horizontal scroll)`);
}

/** Fails when a check's mark (Passed, Failed, Not checked) is not shown on screen. */
async function marksShown(page, what) {
  const hidden = await page.locator('ul.checks .mark').evaluateAll(marks => marks
    .filter(m => {
      const r = m.getBoundingClientRect();
      return r.width === 0 || r.left < 0 || r.right > document.documentElement.clientWidth;
    })
    .map(m => m.textContent));
  assert(hidden.length === 0, `${what}: marks off screen: ${hidden.join(', ')}`);
}

async function verdict(page) {
  return (await page.locator('#verdict').innerText()).trim();
}

async function expectVerdict(page, expected, what) {
  assertEqual(await verdict(page), expected, `${what}: verdict`);
}

async function shot(page, opts, name) {
  if(opts.screenshots) {
    await page.screenshot({path: join(opts.screenshots, `${name}.png`), fullPage: true});
  }
}

/** Clicks a form's submit button and waits for the page the form leads to. */
async function submit(page, name) {
  await Promise.all([
    page.waitForNavigation({waitUntil: 'load'}),
    page.getByRole('button', {name, exact: true}).click(),
  ]);
}

/** Uploads a file on /verify and waits for the result page. */
async function uploadOnVerify(page, opts, file) {
  await page.goto(`${opts.base}/verify`);
  await page.setInputFiles('#file', file);
  await submit(page, 'Verify file');
}

async function checkRecipient(page, kind, identifier) {
  await page.selectOption('#kind', kind);
  await page.fill('#identifier', identifier);
  await submit(page, 'Check');
}

async function adminGet(opts, path) {
  const r = await fetch(`${opts.base}${path}`,
    {headers: {authorization: `Bearer ${opts.token}`}});
  assert(r.ok, `GET ${path}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

/** The badge UUID a claim page shows in its facts (`urn:uuid:…`). */
async function badgeUuid(page) {
  const text = await page.locator('dl.facts').innerText();
  const m = text.match(/urn:uuid:([0-9a-f-]{36})/);
  assert(m, `no badge id on the page:\n${text}`);
  return m[1];
}

/** Clicks a download button and saves what it downloads. */
async function download(page, opts, label, suffix) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', {name: label}).click(),
  ]);
  const name = dl.suggestedFilename();
  assert(name.endsWith(suffix), `${label}: file name ${name} should end in ${suffix}`);
  const failure = await dl.failure();
  assert(failure === null, `${label}: download failed: ${failure}`);
  const path = join(opts.out, name);
  await dl.saveAs(path);
  return {name, path, bytes: readFileSync(path)};
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isPng(bytes) {
  return bytes.subarray(0, 8).equals(PNG_MAGIC);
}

function isSvg(bytes) {
  const head = bytes.subarray(0, 512).toString('utf8');
  return /<svg[\s>]/.test(head) && bytes.toString('utf8').trimEnd().endsWith('</svg>');
}

/** Changes one character inside the value of the credential's `name` (still valid JSON). */
function tamper(text) {
  const key = '"name":"';
  const at = text.indexOf(key);
  assert(at >= 0, 'the credential has no "name"');
  const i = at + key.length;
  const c = text[i];
  const swapped = c === 'A' ? 'B' : 'A';
  return text.slice(0, i) + swapped + text.slice(i + 1);
}

// ---------------------------------------------------------------------------
// The checks.

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    args: ['--no-sandbox'],
  });
  const cspErrors = [];
  const newPage = async contextOptions => {
    const context = await browser.newContext({acceptDownloads: true, ...contextOptions});
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    page.on('console', m => {
      if(m.type() === 'error' && /Content Security Policy/i.test(m.text())) {
        cspErrors.push(`${page.url()}: ${m.text()}`);
      }
    });
    return page;
  };
  const page = await newPage();
  const files = {};
  let uuid;
  let credential;
  // What a genuine, unrevoked badge shows.
  const good = 'Valid';

  try {
    await check('the verify page loads and has no accessibility violations', async () => {
      const r = await page.goto(`${opts.base}/verify`);
      assertEqual(r.status(), 200, 'status');
      assertEqual(await page.locator('h1').innerText(), 'Verify a digital badge', 'heading');
      await shot(page, opts, 'verify');
      await axe(page, 'verify page');
    });

    await check('the claim page shows the badge as valid, without accessibility violations',
      async () => {
        const r = await page.goto(opts.claim);
        assertEqual(r.status(), 200, 'status');
        assertEqual(r.headers()['cache-control'], 'no-store', 'cache-control');
        uuid = await badgeUuid(page);
        credential = await adminGet(opts, `/api/v1/badges/${uuid}/credential`);
        await expectVerdict(page, good, 'claim page');
        await marksShown(page, 'claim page');
        await shot(page, opts, 'claim');
        await axe(page, 'claim page (sharing off)');
      });

    const downloads = [
      ['Badge image (PNG)', 'badge.png', b => isPng(b) && b.length > 10000],
      ['Badge image (SVG)', 'badge.svg', b => isSvg(b) && b.length > 2000],
      ['Credential (JSON)', 'credential.json', b => b.equals(credential)],
      ['Credential (JWT)', 'badge.jwt',
        b => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(b.toString('utf8'))],
      ['QR code (PNG)', 'qr.png', b => isPng(b) && b.length > 200],
      ['QR code (SVG)', 'qr.svg', b => isSvg(b) && b.length > 200],
    ];
    for(const [label, suffix, ok] of downloads) {
      await check(`the claim page downloads ${label}`, async () => {
        assert(credential, 'the claim page did not load');
        const f = await download(page, opts, label, suffix);
        assert(ok(f.bytes), `${label}: unexpected content (${f.bytes.length} bytes): ` +
          JSON.stringify(f.bytes.subarray(0, 60).toString('latin1')));
        files[suffix] = f;
      });
    }

    await check('the baked credential and the JWT carry the credential of the admin API',
      async () => {
        assert(files['badge.svg'] && files['badge.jwt'], 'downloads missing');
        assert(files['badge.svg'].bytes.includes(credential),
          'the SVG does not carry the credential verbatim');
        const payload = JSON.parse(Buffer.from(
          files['badge.jwt'].bytes.toString('utf8').split('.')[1], 'base64url').toString());
        const vc = payload.vc ?? payload;
        assertEqual(vc.id, JSON.parse(credential).id, 'JWT credential id');
      });

    await check('a file that is no badge shows the verify page with what went wrong',
      async () => {
        const path = join(opts.out, 'not-a-badge.txt');
        writeFileSync(path, 'hello');
        await page.goto(`${opts.base}/verify`);
        await page.setInputFiles('#file', path);
        const [r] = await Promise.all([
          page.waitForNavigation({waitUntil: 'load'}),
          page.getByRole('button', {name: 'Verify file'}).click(),
        ]);
        assert(r.status() >= 400 && r.status() < 500, `status ${r.status()}`);
        assert(r.headers()['content-type'].startsWith('text/html'),
          `an error page, not ${r.headers()['content-type']}`);
        assertEqual(await page.getByRole('alert').locator('h2').innerText(),
          'Could not verify', 'alert');
        await shot(page, opts, 'verify-error');
        await axe(page, 'verify page with an error');
      });

    await check('uploading the baked PNG on /verify shows "Valid"', async () => {
      assert(files['badge.png'], 'no PNG downloaded');
      await uploadOnVerify(page, opts, files['badge.png'].path);
      await expectVerdict(page, good, 'baked PNG');
      assert((await page.locator('dl.facts').innerText()).includes(`urn:uuid:${uuid}`),
        'the result shows the badge id');
      await shot(page, opts, 'result-valid');
      await axe(page, 'result page (valid)');
    });

    await check('uploading the baked SVG on /verify shows "Valid"', async () => {
      assert(files['badge.svg'], 'no SVG downloaded');
      await uploadOnVerify(page, opts, files['badge.svg'].path);
      await expectVerdict(page, good, 'baked SVG');
    });

    await check('pasting the JWT on /verify shows "Valid"', async () => {
      assert(files['badge.jwt'], 'no JWT downloaded');
      await page.goto(`${opts.base}/verify`);
      await page.fill('#credential', files['badge.jwt'].bytes.toString('utf8'));
      await submit(page, 'Verify text');
      await expectVerdict(page, good, 'pasted JWT');
    });

    await check('uploading a tampered credential shows "Invalid signature"', async () => {
      const downloaded = files['credential.json']?.bytes;
      assert(downloaded, 'no credential downloaded');
      const tampered = tamper(downloaded.toString('utf8'));
      assertEqual(tampered.length, downloaded.length, 'one character changed');
      JSON.parse(tampered);
      const path = join(opts.out, 'tampered.json');
      writeFileSync(path, tampered);
      await uploadOnVerify(page, opts, path);
      await expectVerdict(page, 'Invalid signature', 'tampered JSON');
      await shot(page, opts, 'result-tampered');
      await axe(page, 'result page (invalid signature)');
    });

    await check('the recipient check says whether an identifier matches', async () => {
      assert(files['badge.png'], 'no PNG downloaded');
      await uploadOnVerify(page, opts, files['badge.png'].path);
      await checkRecipient(page, 'email', opts.email.toUpperCase());
      assertEqual(await page.locator('.match').innerText(),
        'The identifier you entered matches this badge\'s holder.', 'matching email');
      await expectVerdict(page, good, 'matching email');
      await shot(page, opts, 'result-match');
      await axe(page, 'result page (recipient matches)');

      await checkRecipient(page, 'email', 'someone.else@example.nhs.uk');
      assertEqual(await page.locator('.match').innerText(),
        'The identifier you entered does not match this badge\'s holder.', 'other email');
      // An unknown status outranks a recipient mismatch.
      await expectVerdict(page, 'Does not match', 'other email');
      await shot(page, opts, 'result-mismatch');
      await axe(page, 'result page (recipient does not match)');
    });

    await check('turning sharing on publishes /badges/{uuid} with its verdict and og: tags',
      async () => {
        assert(uuid, 'no badge');
        const shareUrl = `${opts.base}/badges/${uuid}`;
        assertEqual((await page.request.get(shareUrl)).status(), 404, 'before sharing');
        await page.goto(opts.claim);
        await submit(page, 'Turn the share page on');
        const link = page.getByRole('link', {name: shareUrl});
        assertEqual(await link.getAttribute('href'), shareUrl, 'share link on the claim page');
        await shot(page, opts, 'claim-shared');
        await axe(page, 'claim page (sharing on)');

        const r = await page.goto(shareUrl);
        assertEqual(r.status(), 200, 'share page status');
        await expectVerdict(page, good, 'share page');
        const og = await page.evaluate(() => Object.fromEntries(
          [...document.querySelectorAll('meta[property^="og:"]')]
            .map(m => [m.getAttribute('property'), m.getAttribute('content')])));
        assertEqual(og['og:url'], shareUrl, 'og:url');
        assert(og['og:title']?.endsWith(`– ${good}`), `og:title: ${og['og:title']}`);
        assert(og['og:description'], 'og:description');
        assertEqual(og['og:image'], `${shareUrl}/image.png`, 'og:image');
        const image = await page.request.get(og['og:image']);
        assertEqual(image.status(), 200, 'og:image status');
        assert(isPng(await image.body()), 'og:image is a PNG');
        await shot(page, opts, 'share');
        await axe(page, 'share page');

        // The share link form of /verify opens it too.
        await page.goto(`${opts.base}/verify`);
        await page.fill('#link', shareUrl);
        await submit(page, 'Open link');
        await expectVerdict(page, good, 'share page via /verify/link');
      });

    await check('turning sharing off makes /badges/{uuid} 404', async () => {
      assert(uuid, 'no badge');
      const shareUrl = `${opts.base}/badges/${uuid}`;
      await page.goto(opts.claim);
      await submit(page, 'Turn the share page off');
      assertEqual(await page.getByRole('button', {name: 'Turn the share page on'}).count(), 1,
        'the claim page offers to turn sharing on again');
      const r = await page.goto(shareUrl);
      assertEqual(r.status(), 404, 'share page status');
      assertEqual(await page.locator('h1').innerText(), 'Page not found', 'heading');
      await axe(page, 'not-found page');
    });

    await check('a revoked badge shows "Revoked"', async () => {
      assert(opts.revocableClaim, 'no --revocable-claim given');
      await page.goto(opts.revocableClaim);
      await expectVerdict(page, good, 'before revocation');
      const id = await badgeUuid(page);
      const r = await fetch(`${opts.base}/api/v1/badges/${id}/revoke`, {
        method: 'POST',
        headers: {
          'authorization': `Bearer ${opts.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({reason: 'issued_in_error', note: 'browser test'}),
      });
      assert(r.ok, `revoke: HTTP ${r.status}: ${await r.text()}`);
      const revoked = join(opts.out, 'revoked.json');
      writeFileSync(revoked, await adminGet(opts, `/api/v1/badges/${id}/credential`));
      await uploadOnVerify(page, opts, revoked);
      await expectVerdict(page, 'Revoked', 'uploaded revoked credential');
      await shot(page, opts, 'result-revoked');
      await axe(page, 'result page (revoked)');
      await page.goto(opts.revocableClaim);
      await expectVerdict(page, 'Revoked', 'claim page of the revoked badge');
    });

    await check('the pages fit a 375 px wide phone screen', async () => {
      assert(uuid && files['badge.png'], 'earlier checks failed');
      const phone = await newPage({viewport: PHONE, isMobile: true, hasTouch: true});
      const shareUrl = `${opts.base}/badges/${uuid}`;
      await phone.goto(`${opts.base}/verify`);
      await noHorizontalScroll(phone, 'verify page');
      await shot(phone, opts, 'phone-verify');
      await uploadOnVerify(phone, opts, files['badge.png'].path);
      await expectVerdict(phone, good, 'phone upload');
      await noHorizontalScroll(phone, 'result page');
      await shot(phone, opts, 'phone-result');
      await phone.goto(opts.claim);
      await noHorizontalScroll(phone, 'claim page (sharing off)');
      await submit(phone, 'Turn the share page on');
      await noHorizontalScroll(phone, 'claim page (sharing on)');
      await shot(phone, opts, 'phone-claim');
      await phone.goto(shareUrl);
      await expectVerdict(phone, good, 'phone share page');
      await noHorizontalScroll(phone, 'share page');
      await shot(phone, opts, 'phone-share');
      await axe(phone, 'share page on a phone');
      await phone.goto(opts.claim);
      await submit(phone, 'Turn the share page off');
      await phone.context().close();
    });

    await check('no page broke its Content Security Policy', async () => {
      assert(cspErrors.length === 0, cspErrors.join('\n'));
    });
  } finally {
    await browser.close();
  }
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exitCode = tally.failed === 0 ? 0 : 1;
}

main().catch(e => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
