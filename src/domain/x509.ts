/**
 * The one door to @peculiar/x509 in the service. The library resolves its algorithms through a
 * dependency container that needs the Reflect metadata API at load time, so the polyfill is
 * loaded here, before the library, and every module takes the library from this file.
 */
import 'reflect-metadata';

export {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate as ParsedCertificate,
} from '@peculiar/x509';
