/**
 * A small PKI made on the spot for the Vault simulator when nobody brings one (the demo): a root,
 * an intermediate that the PKI mount signs with, and a server certificate for the simulator's
 * HTTPS, issued by the intermediate for the host names given. EC P-256, valid for a year.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** The PEMs of a made PKI. */
export interface SimulatedPki {
  rootPem: string;
  intermediatePem: string;
  /** What a Vault serves over TLS: its key, and its certificate then the intermediate. */
  serverTls: { key: string; certificateChain: string };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const CA_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

/** Makes a root, an intermediate and a server certificate for `hostNames` (names or IPs). */
export async function createSimulatedPki(
  hostNames: string[],
  names = { root: 'Simulated Vault Root CA', intermediate: 'Simulated Vault Intermediate CA' },
): Promise<SimulatedPki> {
  const rootKeys = await newKeys();
  const root = await issue(`CN=${names.root}`, rootKeys, undefined, caExtensions());
  const intermediateKeys = await newKeys();
  const intermediate = await issue(
    `CN=${names.intermediate}`,
    intermediateKeys,
    { certificate: root, keys: rootKeys },
    caExtensions(),
  );
  const serverKeys = await newKeys();
  const server = await issue(
    `CN=${hostNames[0] ?? 'vault'}`,
    serverKeys,
    { certificate: intermediate, keys: intermediateKeys },
    [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension(hostNames.map(generalName)),
    ],
  );
  const key = await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    rootPem: pemOf(root),
    intermediatePem: pemOf(intermediate),
    serverTls: {
      key: x509.PemConverter.encode(key, 'PRIVATE KEY') + '\n',
      certificateChain: pemOf(server) + pemOf(intermediate),
    },
  };
}

type Keys = webcrypto.CryptoKeyPair;

function newKeys(): Promise<Keys> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

function caExtensions(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(CA_USAGE, true),
  ];
}

async function issue(
  subject: string,
  keys: Keys,
  issuer: { certificate: x509.X509Certificate; keys: Keys } | undefined,
  extensions: x509.Extension[],
): Promise<x509.X509Certificate> {
  const signerKeys = issuer?.keys ?? keys;
  return x509.X509CertificateGenerator.create({
    serialNumber: webcrypto
      .getRandomValues(new Uint8Array(8))
      .reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '01'),
    subject,
    issuer: issuer?.certificate.subject ?? subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 365 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: signerKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      ...extensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(signerKeys.publicKey),
    ],
  });
}

function generalName(name: string): { type: 'ip' | 'dns'; value: string } {
  return /^[0-9.]+$|:/.test(name) ? { type: 'ip', value: name } : { type: 'dns', value: name };
}

function pemOf(certificate: x509.X509Certificate): string {
  return certificate.toString('pem') + '\n';
}
