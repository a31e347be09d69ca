#!/usr/bin/env node
// Signs a verifiable presentation with the JS stack, as a wallet does: a
// holder's did:key answers a verifier's challenge and domain with an
// eddsa-rdfc-2022 `authentication` proof over two OB 3.0 badges (each signed
// by the issuer), plus broken variants; then verifies each with the JS stack,
// so the Rust test can compare verdicts.
//
//   node present.mjs --out DIR
//
// Prints {"challenge","domain","files":[{"file","expect","js"}]}: `expect`
// is "valid" or "invalid", `js` whether vc.verify verified it (presentation
// and credentials) with that challenge and domain.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {ISSUER_SEED, badge, didKeyPair, sign, suiteFor} from './lib/badge.mjs';
import {makeDocumentLoader} from './lib/loader.mjs';
import {emit, run, shortError, usage} from './lib/cli.mjs';

const USAGE = 'usage: node present.mjs --out DIR';
/** Seed of the holder's key: 0x40..0x5f. */
const HOLDER_SEED = Uint8Array.from({length: 32}, (_, i) => 0x40 + i);
const CHALLENGE = 'credence-interop-challenge-1';
const DOMAIN = 'verifier.example';

function parseArgs(argv) {
  if(argv.length !== 2 || argv[0] !== '--out') {
    usage(USAGE);
  }
  return {out: argv[1]};
}

async function present({credentials, holder, challenge, documentLoader}) {
  const presentation = vc.createPresentation({
    verifiableCredential: credentials, holder: holder.controller
  });
  return vc.signPresentation({
    presentation, suite: suiteFor(holder.signer()), challenge, domain: DOMAIN,
    documentLoader
  });
}

async function jsVerifies(presentation, documentLoader) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  try {
    const result = await vc.verify({
      presentation, challenge: CHALLENGE, domain: DOMAIN, suite,
      documentLoader
    });
    return {verified: result.verified === true,
      error: result.error ? shortError(result.error) : undefined};
  } catch(e) {
    return {verified: false, error: shortError(e)};
  }
}

run(async () => {
  const {out} = parseArgs(process.argv.slice(2));
  mkdirSync(out, {recursive: true});
  const documentLoader = makeDocumentLoader();
  const issuer = await didKeyPair(ISSUER_SEED);
  const holder = await didKeyPair(HOLDER_SEED);

  const first = await sign(badge(issuer.controller), issuer.signer(),
    documentLoader);
  const secondBadge = badge(issuer.controller);
  secondBadge.id = 'urn:uuid:0c6f4f5e-5d0b-4f7e-8a55-2f4a9c1e7b21';
  secondBadge.name = 'Second Interop Badge (signed by JS)';
  const second = await sign(secondBadge, issuer.signer(), documentLoader);

  const valid = await present({
    credentials: [first, second], holder, challenge: CHALLENGE, documentLoader
  });
  const changedCredential = structuredClone(valid);
  changedCredential.verifiableCredential[1].name = 'Forged Badge';
  const otherChallenge = await present({
    credentials: [first, second], holder, challenge: 'another-verifier',
    documentLoader
  });
  const changedChallenge = structuredClone(otherChallenge);
  changedChallenge.proof.challenge = CHALLENGE;

  const files = [];
  for(const [name, doc, expect] of [
    ['js-presentation.json', valid, 'valid'],
    ['js-presentation-changed-credential.json', changedCredential, 'invalid'],
    ['js-presentation-other-challenge.json', otherChallenge, 'invalid'],
    ['js-presentation-changed-challenge.json', changedChallenge, 'invalid']
  ]) {
    const file = join(out, name);
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    const js = await jsVerifies(doc, documentLoader);
    files.push({file, expect, js: js.verified, jsError: js.error});
  }
  emit({challenge: CHALLENGE, domain: DOMAIN, files});
});
