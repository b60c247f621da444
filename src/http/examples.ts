/**
 * The integration of TSM's own API guide, as one consolidated request. It is the example in the
 * OpenAPI document, and the demo sends it.
 */
import type { IntegrationRequest } from '../domain/integration-request.js';

/**
 * The self-signed root of the guide's example (CN "minica root ca 3b27cb", valid to 2123), as the
 * guide prints it: with four spaces after the BEGIN line, which the service normalizes away.
 */
const GUIDE_ROOT_CA = [
  '-----BEGIN CERTIFICATE-----    ',
  'MIIDSzCCAjOgAwIBAgIIOyfLeigPwDIwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UE',
  'AxMVbWluaWNhIHJvb3QgY2EgM2IyN2NiMCAXDTIzMDMyNTEyMjQ1NloYDzIxMjMw',
  'MzI1MTIyNDU2WjAgMR4wHAYDVQQDExVtaW5pY2Egcm9vdCBjYSAzYjI3Y2IwggEi',
  'MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCkn6FrEl/7XfEYxKDK78lJTdW7',
  'hMQiW/65cx92FbjXHfpBTJ7wows7hMfNfRoDdxtfby04It6gzFfKJfL+u/Y0SQbV',
  'WWrTEPTrbJ5B3JyTv6IJ4IujvTLG29dMU5oiW/i4wDuNO4S1RYoevAdBZz4zTXiP',
  'CSn4XNqC/LUd54KKnoQ1Pc3HKxgSbcwb9sJxEhr+dx++n9jaPxOKiczoIdgn3KkC',
  'LLGePbmDZx/TX8QvLdyXxtzdSRsQ8q8OLs4BiE83Dut3fibxGZPQcgIICNDf+NhE',
  'kGIgBh4nhKs+LTR5XRXYcd675XONAn3ifgcQKILE/urTSkETdZfaxEzvo5EhAgMB',
  'AAGjgYYwgYMwDgYDVR0PAQH/BAQDAgKEMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggr',
  'BgEFBQcDAjASBgNVHRMBAf8ECDAGAQH/AgEAMB0GA1UdDgQWBBRY4vMgDhoBtwzT',
  'AQZYIIiOOL8YrzAfBgNVHSMEGDAWgBRY4vMgDhoBtwzTAQZYIIiOOL8YrzANBgkq',
  'hkiG9w0BAQsFAAOCAQEAALhcM1JumeJKQKrJ9D3dDh3Snr96E/0+k1OQd1f4cH5U',
  '1R4DeqN22wQYIBlg4RVGkBbniG2VVP/7Lxwf0Qpb0Ij3oPzoiFGoYRHK9iKUQaXn',
  'G2+FpaQW68DT1U1Eyv9GKNN/xyOT7sWuRGXYu7ydbYlB6WC9BGviy6tM38cz8Tuk',
  'ePVOe0Q5Igo5eFuxEMzCx2yBNUJ4g/pdvjTW1qolodR/8XIjx8b11i6kgwpfjiLS',
  '2gbG43rXF8qwffdXnIUKx7GTqhPinKc13Cpa8JY6i+8GF6YCZqBRjQm314UV8aVj',
  'B9RrXXFZIUt99j++j31lj9gP0Hm1iSqoP8qyPpWrUw==',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

/** The guide's three bodies as one request to POST /vault-integrations. */
export const DOCUMENTATION_EXAMPLE: IntegrationRequest = {
  caBundle: { id: 'my-CA-bundle', description: '', pem: GUIDE_ROOT_CA },
  account: {
    id: 'my-vault-account',
    description: 'my vault ca account',
    vaultUrl: 'https://my-vault-server-22608bc3.4514f36d.z1.hashicorp.cloud:8200',
    serviceAccountName: 'vault-issuer',
    roleName: 'pki_int',
    mountPath: '/v1/auth/tenant-02',
    namespace: 'admin',
  },
  certificateAuthority: {
    id: 'my-vault-ca-configuration',
    description: 'My Vault CA configuration',
    label: 'my-ca-label',
    vaultPath: 'pki_int/sign/example-dot-com',
  },
};
