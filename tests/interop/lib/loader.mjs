// Offline JSON-LD document loader and verification-method resolver for the
// interop scripts. Nothing here touches the network: every URL is served from
// a file in the repository, from a context map shipped by an installed
// package, from a DID document file given on the command line, or computed
// (did:key). Any other URL throws.
import {readFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import securityContext from '@digitalbazaar/security-context';
import * as bslContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Root of the Rust workspace (tests/interop/lib -> ../../..). */
export const REPO_ROOT = resolve(HERE, '..', '..', '..');

/** Contexts pinned by the repository; these win over package copies. */
const REPO_CONTEXT_FILES = {
  'https://www.w3.org/ns/credentials/v2': 'schemas/credentials-v2.jsonld',
  'https://www.w3.org/2018/credentials/v1': 'schemas/credentials-v1.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json':
    'schemas/ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json':
    'schemas/ob-v3p0-context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json':
    'schemas/ob-v3p0-context-3.0.2.json',
  'https://w3id.org/vc/status-list/2021/v1':
    'schemas/status-list-2021-v1.jsonld',
  'https://w3id.org/security/suites/ed25519-2020/v1':
    'schemas/ed25519-2020-v1.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2':
    'tests/vectors/credentials-examples-v2.jsonld'
};

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function buildContextMap() {
  const map = new Map();
  // package-shipped contexts first ...
  for(const m of [
    credentialsContext.contexts, dataIntegrityContext.contexts,
    multikeyContext.contexts, didContext.contexts, securityContext.contexts,
    bslContext.contexts
  ]) {
    for(const [url, doc] of m) {
      map.set(url, doc);
    }
  }
  // ... then the repository's pinned copies override them.
  for(const [url, rel] of Object.entries(REPO_CONTEXT_FILES)) {
    map.set(url, readJson(resolve(REPO_ROOT, rel)));
  }
  return map;
}

/** URL -> context document, built once. */
export const CONTEXTS = buildContextMap();

const didKeyDriver = didKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

function stripFragment(url) {
  const i = url.indexOf('#');
  return i === -1 ? url : url.slice(0, i);
}

/**
 * Index a DID document (or any controller document) JSON: the document is
 * served at its `id` (relative key ids such as "#key-1" made absolute, as a
 * DID resolver would), and each verification method embedded in it is served
 * at its absolute id, with the document's `@context` and a `controller`.
 */
function indexControllerDocument(doc, file, into) {
  if(!doc || typeof doc !== 'object' || typeof doc.id !== 'string') {
    throw new Error(`${file}: controller document needs a string "id"`);
  }
  const abs = id => new URL(id, doc.id).href;
  const normalized = structuredClone(doc);
  const relations = [
    'verificationMethod', 'assertionMethod', 'authentication',
    'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'
  ];
  for(const rel of relations) {
    if(normalized[rel] === undefined) {
      continue;
    }
    const values = Array.isArray(normalized[rel]) ?
      normalized[rel] : [normalized[rel]];
    normalized[rel] = values.map(vm => {
      if(typeof vm === 'string') {
        return abs(vm);
      }
      if(!vm || typeof vm !== 'object' || typeof vm.id !== 'string') {
        return vm;
      }
      const method = {
        ...vm, id: abs(vm.id), controller: vm.controller ?? doc.id
      };
      into.set(method.id, {'@context': doc['@context'], ...method});
      return method;
    });
  }
  into.set(doc.id, normalized);
}

/**
 * Create the offline document loader.
 *
 * @param {object} [options]
 * @param {string[]} [options.didDocFiles] - controller/DID document JSON
 *   files; each is served at its `id`, its verification methods at theirs.
 * @param {Map<string,string>} [options.documents] - extra URL -> JSON file
 *   (e.g. status list credentials).
 * @returns {Function} a jsonld.js document loader.
 */
export function makeDocumentLoader({didDocFiles = [], documents} = {}) {
  const served = new Map();
  for(const file of didDocFiles) {
    indexControllerDocument(readJson(file), file, served);
  }
  for(const [url, file] of documents ?? []) {
    served.set(url, readJson(file));
  }
  return async function documentLoader(url) {
    if(typeof url !== 'string') {
      throw new Error(`document loader: URL must be a string`);
    }
    const found = (doc) => ({contextUrl: null, documentUrl: url, document: doc});
    if(CONTEXTS.has(url)) {
      return found(structuredClone(CONTEXTS.get(url)));
    }
    if(served.has(url)) {
      return found(structuredClone(served.get(url)));
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return found(document);
    }
    if(url.startsWith('did:') && served.has(stripFragment(url))) {
      throw new Error(
        `verification method "${url}" not found in its DID document`);
    }
    throw new Error(`offline document loader refuses URL "${url}"`);
  };
}
