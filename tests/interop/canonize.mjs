#!/usr/bin/env node
// RDFC-1.0 canonical N-Quads of JSON-LD documents, for differential testing of
// the Rust canonicalizer. Offline: contexts come only from the local loader.
//
//   node canonize.mjs [--did-doc FILE]... FILE...
//
// Prints {"results":[{"file","nquads"} | {"file","error"}]}. A document that
// cannot be canonized (e.g. an undefined term in safe mode) gets an "error"
// entry instead of "nquads"; the exit code stays 0. Exit 2 on misuse.

import jsonld from 'jsonld';

import {makeDocumentLoader} from './lib/loader.mjs';
import {
  emit, readJson, requireFiles, run, shortError, usage,
} from './lib/cli.mjs';

const USAGE = 'usage: node canonize.mjs [--did-doc FILE]... FILE...';

function parseArgs(argv) {
  const didDocFiles = [];
  const files = [];
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(a === '--did-doc') {
      if(i + 1 >= argv.length) {
        usage(USAGE, '--did-doc needs a value');
      }
      didDocFiles.push(argv[++i]);
    } else if(a === '--help' || a === '-h') {
      usage(USAGE);
    } else if(a.startsWith('--')) {
      usage(USAGE, `unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  if(files.length === 0) {
    usage(USAGE, 'no input files given');
  }
  requireFiles(USAGE, [...didDocFiles, ...files]);
  return {didDocFiles, files};
}

run(async () => {
  const {didDocFiles, files} = parseArgs(process.argv.slice(2));
  const documentLoader = makeDocumentLoader({didDocFiles});
  const results = [];
  for(const file of files) {
    try {
      const doc = readJson(file);
      // As @digitalbazaar/eddsa-rdfc-2022-cryptosuite canonicalizes (lib/canonize.js).
      const nquads = await jsonld.canonize(doc, {
        algorithm: 'RDFC-1.0',
        format: 'application/n-quads',
        safe: true,
        base: null,
        rdfDirection: 'i18n-datatype',
        documentLoader
      });
      results.push({file, nquads});
    } catch(e) {
      results.push({file, error: shortError(e)});
    }
  }
  emit({results});
});
