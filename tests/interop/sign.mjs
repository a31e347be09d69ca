#!/usr/bin/env node
// Signs reproducible OB 3.0 credentials with the JS stack (eddsa-rdfc-2022),
// one with a directed string, plus five deliberately broken variants, for the
// Rust verifier to check.
//
//   node sign.mjs --out DIR [--with-status]
//
// Writes DIR/did-key.txt and DIR/js-badge*.json; prints a manifest
// {"verificationMethod", "files":[{"file","expect":"valid"|"invalid"}]}.
// --with-status also writes a signed BitstringStatusListCredential
// (DIR/js-status-list.json, served as STATUS_LIST_URL, revocation bit 5 set)
// and two badges pointing into it (index 3: clear -> valid; index 5: set ->
// invalid); their manifest entries carry "statusList": "URL=FILE", to be
// passed to verify.mjs --status-list.
// Keys come from fixed 32-byte seeds and the proof `created` is fixed, and
// Ed25519 signatures are deterministic, so the output is byte-for-byte stable.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import * as bsl from '@digitalbazaar/vc-bitstring-status-list';
import * as sl2021 from '@digitalbazaar/vc-status-list';

import {
  ISSUER_SEED, badge, didKeyPair, sign, vc11Badge
} from './lib/badge.mjs';

import {makeDocumentLoader} from './lib/loader.mjs';
import {emit, run, usage} from './lib/cli.mjs';

const USAGE = 'usage: node sign.mjs --out DIR [--with-status]';

/** Seed of the impostor key used for js-badge-other-key.json: 0xff..0xe0. */
const OTHER_SEED = Uint8Array.from({length: 32}, (_, i) => 0xff - i);
const STATUS_LIST_URL = 'https://example.com/credence-interop/status/1';
const SL2021_URL = 'https://example.com/credence-interop/status-2021/1';
const SL2021_CONTEXT = 'https://w3id.org/vc/status-list/2021/v1';
const REVOKED_INDEX = 5;
const CLEAR_INDEX = 3;

function parseArgs(argv) {
  let out;
  let withStatus = false;
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(a === '--out') {
      if(i + 1 >= argv.length) {
        usage(USAGE, '--out needs a value');
      }
      out = argv[++i];
    } else if(a === '--with-status') {
      withStatus = true;
    } else if(a === '--help' || a === '-h') {
      usage(USAGE);
    } else {
      usage(USAGE, `unexpected argument ${a}`);
    }
  }
  if(!out) {
    usage(USAGE, '--out DIR is required');
  }
  return {out, withStatus};
}

function statusEntry(index) {
  return {
    id: `${STATUS_LIST_URL}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: STATUS_LIST_URL
  };
}

async function writeStatusFixtures({out, issuer, documentLoader}) {
  const list = await bsl.createList({length: 131072});
  list.setStatus(REVOKED_INDEX, true);
  const unsignedList = await bsl.createCredential({
    id: STATUS_LIST_URL, list, statusPurpose: 'revocation'
  });
  unsignedList.issuer = issuer.controller;
  unsignedList.validFrom = '2024-01-01T00:00:00Z';
  const statusList = await sign(unsignedList, issuer.signer(), documentLoader);
  const listFile = join(out, 'js-status-list.json');
  writeFileSync(listFile, JSON.stringify(statusList, null, 2) + '\n');
  const statusListArg = `${STATUS_LIST_URL}=${listFile}`;
  const entries = [];
  for(const [name, index, expect] of [
    ['js-badge-status-clear.json', CLEAR_INDEX, 'valid'],
    ['js-badge-status-revoked.json', REVOKED_INDEX, 'invalid']
  ]) {
    const credential = badge(issuer.controller);
    credential.credentialStatus = statusEntry(index);
    const signed = await sign(credential, issuer.signer(), documentLoader);
    const file = join(out, name);
    writeFileSync(file, JSON.stringify(signed, null, 2) + '\n');
    entries.push({file, expect, statusList: statusListArg});
  }
  entries.push(...await writeStatusList2021Fixtures({out, issuer, documentLoader}));
  return entries;
}

/**
 * The same with a StatusList2021 list (VC 1.1, as badges in circulation use
 * it): DIR/js-sl2021-list.json and two VC 1.1 badges (OB 3.0.2) pointing into
 * it, index 3 (clear: valid) and index 5 (set: revoked).
 */
async function writeStatusList2021Fixtures({out, issuer, documentLoader}) {
  const list = await sl2021.createList({length: 131072});
  list.setStatus(REVOKED_INDEX, true);
  const unsignedList = await sl2021.createCredential({
    id: SL2021_URL, list, statusPurpose: 'revocation'
  });
  unsignedList.issuer = issuer.controller;
  unsignedList.issuanceDate = '2024-01-01T00:00:00Z';
  const statusList = await sign(unsignedList, issuer.signer(), documentLoader);
  const listFile = join(out, 'js-sl2021-list.json');
  writeFileSync(listFile, JSON.stringify(statusList, null, 2) + '\n');
  const entries = [];
  for(const [name, index, expect] of [
    ['js-badge-sl2021-clear.json', CLEAR_INDEX, 'valid'],
    ['js-badge-sl2021-revoked.json', REVOKED_INDEX, 'invalid']
  ]) {
    const credential = vc11Badge(issuer.controller,
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json');
    credential['@context'].push(SL2021_CONTEXT);
    credential.credentialStatus = {
      id: `${SL2021_URL}#${index}`,
      type: 'StatusList2021Entry',
      statusPurpose: 'revocation',
      statusListIndex: String(index),
      statusListCredential: SL2021_URL
    };
    const signed = await sign(credential, issuer.signer(), documentLoader);
    const file = join(out, name);
    writeFileSync(file, JSON.stringify(signed, null, 2) + '\n');
    entries.push({file, expect, statusList: `${SL2021_URL}=${listFile}`});
  }
  return entries;
}

/** Change one character in the middle of a base58btc multibase value. */
function flipOneChar(proofValue) {
  const i = Math.floor(proofValue.length / 2);
  const c = proofValue[i] === 'A' ? 'B' : 'A';
  return proofValue.slice(0, i) + c + proofValue.slice(i + 1);
}

run(async () => {
  const {out, withStatus} = parseArgs(process.argv.slice(2));
  mkdirSync(out, {recursive: true});
  const documentLoader = makeDocumentLoader();

  const issuer = await didKeyPair(ISSUER_SEED);
  const other = await didKeyPair(OTHER_SEED);

  const signed = await sign(
    badge(issuer.controller), issuer.signer(), documentLoader);

  const tamperedName = structuredClone(signed);
  tamperedName.credentialSubject.achievement.name =
    'Cross-implementation Interop (forged)';

  const tamperedProof = structuredClone(signed);
  tamperedProof.proof.proofValue = flipOneChar(signed.proof.proofValue);

  // Signed with `other`'s secret key but claiming `issuer`'s key id.
  const impostorSigner = other.signer();
  impostorSigner.id = issuer.id;
  const otherKey = await sign(
    badge(issuer.controller), impostorSigner, documentLoader);

  const undefinedTerm = structuredClone(signed);
  undefinedTerm.undefinedInteropTerm = 'not in any @context';

  // A string with a base direction (VC 2.0 §11.1), which the cryptosuite
  // canonicalizes with rdfDirection 'i18n-datatype'; flipping the direction
  // changes the signed graph.
  const directed = badge(issuer.controller);
  directed.credentialSubject.description = {
    '@value': 'شهادة التوافق', '@language': 'ar', '@direction': 'rtl'
  };
  const signedDirected = await sign(directed, issuer.signer(), documentLoader);
  const flippedDirection = structuredClone(signedDirected);
  flippedDirection.credentialSubject.description['@direction'] = 'ltr';

  // VC 1.1 badges with the OB 3.0.1 and 3.0.2 contexts, as in circulation.
  const vc11 = [];
  for(const version of ['3.0.1', '3.0.2']) {
    const context =
      `https://purl.imsglobal.org/spec/ob/v3p0/context-${version}.json`;
    const signedVc11 = await sign(
      vc11Badge(issuer.controller, context), issuer.signer(), documentLoader);
    const tamperedVc11 = structuredClone(signedVc11);
    tamperedVc11.issuanceDate = '2020-01-01T00:00:00Z';
    vc11.push([`js-badge-vc11-ob${version}.json`, signedVc11, 'valid']);
    vc11.push(
      [`js-badge-vc11-ob${version}-tampered.json`, tamperedVc11, 'invalid']);
  }

  const outputs = [
    ['js-badge.json', signed, 'valid'],
    ['js-badge-direction.json', signedDirected, 'valid'],
    ['js-badge-direction-flipped.json', flippedDirection, 'invalid'],
    ['js-badge-tampered-name.json', tamperedName, 'invalid'],
    ['js-badge-tampered-proof.json', tamperedProof, 'invalid'],
    ['js-badge-other-key.json', otherKey, 'invalid'],
    ['js-badge-undefined-term.json', undefinedTerm, 'invalid'],
    ...vc11
  ];
  writeFileSync(join(out, 'did-key.txt'), issuer.id + '\n');
  const files = [];
  for(const [name, doc, expect] of outputs) {
    const file = join(out, name);
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    files.push({file, expect});
  }
  if(withStatus) {
    files.push(...await writeStatusFixtures({out, issuer, documentLoader}));
  }
  emit({verificationMethod: issuer.id, files});
});
