#!/usr/bin/env node
// Independent verifier: verifies Data Integrity `eddsa-rdfc-2022` credentials
// with the digitalbazaar stack, fully offline.
//
//   node verify.mjs [--did-doc FILE]... [--status-list URL=FILE]...
//                   [--now ISO8601] [--no-issuer-match] CREDENTIAL.json...
//
// By default the proof purpose is vc.js's CredentialIssuancePurpose
// (assertionMethod authorised by the controller document AND issuer id ==
// verification method controller). --no-issuer-match uses the plain
// AssertionProofPurpose instead (needed for the W3C vc-di-eddsa vector, whose
// issuer is https://vc.example/issuers/5678 but whose key is a did:key).
//
// Prints {"results":[{"file","verified","error"?,"status"}]}; exits 0 unless
// the script itself failed (1) or was misused (2).

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as bsl from '@digitalbazaar/vc-bitstring-status-list';
import jsigs from 'jsonld-signatures';

import {makeDocumentLoader} from './lib/loader.mjs';
import {
  emit, readJson, requireFiles, run, shortError, usage,
} from './lib/cli.mjs';

const USAGE = `usage: node verify.mjs [--did-doc FILE]... ` +
  `[--status-list URL=FILE]... [--now ISO8601] [--no-issuer-match] ` +
  `CREDENTIAL.json...`;

function parseArgs(argv) {
  const didDocFiles = [];
  const statusLists = new Map();
  const files = [];
  let now;
  let issuerMatch = true;
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if(i + 1 >= argv.length) {
        usage(USAGE, `${a} needs a value`);
      }
      return argv[++i];
    };
    if(a === '--did-doc') {
      didDocFiles.push(value());
    } else if(a === '--status-list') {
      const v = value();
      const eq = v.indexOf('=');
      if(eq <= 0 || eq === v.length - 1) {
        usage(USAGE, `--status-list wants URL=FILE, got "${v}"`);
      }
      statusLists.set(v.slice(0, eq), v.slice(eq + 1));
    } else if(a === '--now') {
      now = value();
      if(Number.isNaN(Date.parse(now))) {
        usage(USAGE, `--now: not a date-time: "${now}"`);
      }
    } else if(a === '--no-issuer-match') {
      issuerMatch = false;
    } else if(a === '--help' || a === '-h') {
      usage(USAGE);
    } else if(a.startsWith('--')) {
      usage(USAGE, `unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  if(files.length === 0) {
    usage(USAGE, 'no credential files given');
  }
  requireFiles(USAGE, [...didDocFiles, ...statusLists.values(), ...files]);
  return {didDocFiles, statusLists, files, now, issuerMatch};
}

function asArray(x) {
  return x === undefined ? [] : (Array.isArray(x) ? x : [x]);
}

/**
 * Status check: BitstringStatusListEntry entries whose status list credential
 * was supplied with --status-list are checked for real (the list credential is
 * itself verified, issuers must match, and a set bit fails verification).
 * Anything else leaves the status "unknown" without failing verification.
 */
function makeCheckStatus(statusLists) {
  return async function checkStatus(options) {
    const {credential} = options;
    const entries = asArray(credential.credentialStatus);
    const bslEntries = entries.filter(
      e => e && e.type === 'BitstringStatusListEntry');
    const missing = bslEntries.filter(
      e => !statusLists.has(e.statusListCredential));
    if(bslEntries.length === 0 || missing.length > 0 ||
      bslEntries.length !== entries.length) {
      return {verified: true, status: 'unknown'};
    }
    const result = await bsl.checkStatus({
      credential,
      documentLoader: options.documentLoader,
      suite: options.suite,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true
    });
    if(!result.verified) {
      return {...result, status: 'error'};
    }
    const set = result.results.filter(r => r.status === true);
    if(set.length > 0) {
      const purposes = set.map(r => r.credentialStatus.statusPurpose);
      return {
        verified: false,
        status: purposes.join(','),
        error: new Error(`credential status set: ${purposes.join(', ')}`)
      };
    }
    return {verified: true, status: 'clear'};
  };
}

async function verifyOne({
  file, documentLoader, checkStatus, now, issuerMatch
}) {
  let credential;
  try {
    credential = readJson(file);
  } catch(e) {
    return {file, verified: false, error: `unreadable JSON: ${shortError(e)}`};
  }
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  let result;
  try {
    result = await vc.verifyCredential({
      credential, suite, documentLoader, checkStatus,
      ...(issuerMatch ? {} :
        {purpose: new jsigs.purposes.AssertionProofPurpose()}),
      ...(now ? {now: new Date(now)} : {})
    });
  } catch(e) {
    return {file, verified: false, error: shortError(e)};
  }
  const out = {file, verified: result.verified === true};
  if(!out.verified) {
    out.error = shortError(
      result.error ?? result.statusResult?.error ??
      result.results?.find(r => !r.verified)?.error ??
      result.statusResult?.results?.find(r => !r.verified)?.error ??
      'not verified');
  }
  if(credential && credential.credentialStatus !== undefined) {
    out.status = result.statusResult?.status ?? 'not checked';
  } else {
    out.status = 'none';
  }
  return out;
}

run(async () => {
  const {didDocFiles, statusLists, files, now, issuerMatch} =
    parseArgs(process.argv.slice(2));
  let documentLoader;
  try {
    documentLoader = makeDocumentLoader({didDocFiles, documents: statusLists});
  } catch(e) {
    usage(USAGE, shortError(e));
  }
  const checkStatus = makeCheckStatus(statusLists);
  const results = [];
  for(const file of files) {
    results.push(await verifyOne(
      {file, documentLoader, checkStatus, now, issuerMatch}));
  }
  emit({issuerMatch, results});
});
