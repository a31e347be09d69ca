// The badge fixtures the interop scripts sign with the JS stack: fixed did:key
// pairs from 32-byte seeds, an OB 3.0 badge, and eddsa-rdfc-2022 signing at a
// fixed time, so that the output is byte-for-byte stable.
import {createHash} from 'node:crypto';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

/** Seed of the issuer key: bytes 0x00..0x1f. */
export const ISSUER_SEED = Uint8Array.from({length: 32}, (_, i) => i);
/** The proofs' `created`. */
export const CREATED = '2024-01-01T00:00:00Z';

/** An eddsa-rdfc-2022 suite signing with `signer` at CREATED. */
export function suiteFor(signer) {
  return new DataIntegrityProof({
    signer, date: CREATED, cryptosuite: eddsaRdfc2022CryptoSuite
  });
}

export async function didKeyPair(seed) {
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  // id becomes `${controller}#${publicKeyMultibase}`, the did:key convention
  return Ed25519Multikey.generate({
    seed, controller: `did:key:${publicKeyMultibase}`
  });
}

export function badge(issuerDid) {
  const email = 'learner@example.com';
  const salt = 'credence-interop-salt';
  const identityHash = 'sha256$' +
    createHash('sha256').update(email + salt, 'utf8').digest('hex');
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
    ],
    id: 'urn:uuid:7f1b2c9e-0d4a-4c61-9f0e-3a5b8e2d1c40',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Interop Badge (signed by JS)',
    issuer: {
      id: issuerDid,
      type: ['Profile'],
      name: 'Credence Interop Test Issuer'
    },
    validFrom: '2024-01-01T00:00:00Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{
        type: 'IdentityObject',
        identityHash,
        identityType: 'emailAddress',
        hashed: true,
        salt
      }],
      achievement: {
        id: 'https://example.com/achievements/interop/js-signed',
        type: ['Achievement'],
        name: 'Cross-implementation Interop',
        description: 'Awarded to credentials that verify in two independent ' +
          'implementations.',
        criteria: {
          narrative: 'Sign with digitalbazaar, verify with Credence.'
        }
      }
    },
    // VC 2.0's `JsonSchema` type: OB's `1EdTechJsonSchemaValidator2019` is
    // defined by neither the VC 2.0 nor the OB 3.0.3 context, so safe-mode
    // canonicalization rejects it.
    credentialSchema: [{
      id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/' +
        'ob_v3p0_achievementcredential_schema.json',
      type: 'JsonSchema'
    }]
  };
}

export async function sign(credential, signer, documentLoader) {
  return vc.issue({credential, suite: suiteFor(signer), documentLoader});
}

/**
 * The badge as a VC 1.1 credential, as issuers of OB 3.0.0-3.0.2 badges made
 * them: the VC 1.1 context, `obContext`, and the Data Integrity context (VC
 * 1.1 does not define DataIntegrityProof); `issuanceDate` for `validFrom`; no
 * `credentialSchema` (VC 1.1 does not define the `JsonSchema` type).
 */
export function vc11Badge(issuerDid, obContext) {
  const credential = badge(issuerDid);
  credential['@context'] = [
    'https://www.w3.org/2018/credentials/v1', obContext,
    'https://w3id.org/security/data-integrity/v2'
  ];
  credential.issuanceDate = credential.validFrom;
  delete credential.validFrom;
  delete credential.credentialSchema;
  return credential;
}
