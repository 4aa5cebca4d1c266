import { createPrivateKey } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';

/** A PEM private key (PKCS#8 or PKCS#1 RSA) as the WebCrypto key JWT signing takes. */
export async function signingKey(pem: string): Promise<CryptoKey> {
  const pkcs8 = createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString();
  return importPKCS8(pkcs8, 'RS256');
}

/**
 * Google's service-account assertion (RFC 7523 §2.1): the service account asks, for `subject` (the
 * mailbox it acts for by domain-wide delegation), a token with these scopes, at its token URI.
 */
export async function serviceAccountAssertion(sa: { clientEmail: string; privateKeyPem: string; keyId?: string; tokenUri: string }, scope: string, subject?: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(sa.keyId ? { kid: sa.keyId } : {}) })
    .setIssuer(sa.clientEmail)
    .setAudience(sa.tokenUri)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600);
  if (subject) jwt.setSubject(subject);
  return jwt.sign(await signingKey(sa.privateKeyPem));
}
