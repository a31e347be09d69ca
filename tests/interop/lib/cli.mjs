// Small helpers shared by the scripts: argument errors, JSON output, errors.
import {readFileSync, statSync} from 'node:fs';

/** Print a usage message on stderr and exit 2. */
export function usage(text, why) {
  if(why) {
    process.stderr.write(`error: ${why}\n`);
  }
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
  process.exit(2);
}

/** Exit with a usage error unless every file exists. */
export function requireFiles(text, files) {
  for(const f of files) {
    try {
      statSync(f);
    } catch {
      usage(text, `no such file: ${f}`);
    }
  }
}

/** Print one JSON object on stdout. */
export function emit(obj) {
  process.stdout.write(JSON.stringify(obj, null, 2) + '\n');
}

/** Read and parse a JSON file. */
export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * One short line describing an error (jsigs wraps errors in
 * VerificationError with `errors`; unwrap to the first real cause).
 */
export function shortError(e, depth = 0) {
  const seen = new Set();
  while(e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    if(Array.isArray(e.errors) && e.errors.length > 0) {
      e = e.errors[0];
      continue;
    }
    break;
  }
  let msg = e && e.message ? String(e.message) : String(e);
  if(e && e.details && e.details.event && e.details.event.code) {
    msg += ` [${e.details.event.code}]`;
  }
  if(e && e.cause && depth < 3) {
    msg += `; cause: ${shortError(e.cause, depth + 1)}`;
  }
  msg = msg.replace(/\s+/g, ' ').trim();
  return msg.length > 300 ? msg.slice(0, 297) + '...' : msg;
}

/** Run an async main; an unexpected throw exits 1 with the error on stderr. */
export function run(main) {
  main().catch(e => {
    process.stderr.write(`fatal: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  });
}
