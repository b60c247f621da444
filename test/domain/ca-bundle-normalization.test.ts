import { describe, expect, it } from 'vitest';
import {
  bundleOf,
  makeIntermediate,
  makeRoot,
  type MadeCertificate,
} from '../support/certificates.js';
import { codes, integrationOf, validate, withCaBundle } from './support/requests.js';

const PEM = '/caBundle/pem';

/** The normalized bundle and the warning codes of a request whose PEM is `pem`. */
function normalize(pem: string) {
  const result = validate(withCaBundle({ pem }));
  const { caBundle } = integrationOf(result);
  if (caBundle?.mode !== 'upload') throw new Error('expected an uploaded bundle');
  return { bundle: caBundle, warnings: codes(result.warnings) };
}

function warned(...warningCodes: string[]) {
  return warningCodes.map((code) => ({ pointer: PEM, code }));
}

async function chain(): Promise<{ root: MadeCertificate; issuing: MadeCertificate }> {
  const root = await makeRoot({ subject: 'Root' });
  const issuing = await makeIntermediate(root, { subject: 'Issuing' });
  return { root, issuing };
}

describe('a CA bundle already in canonical form', () => {
  it('passes unchanged and without warnings', async () => {
    const { root, issuing } = await chain();
    const canonical = bundleOf(issuing, root);
    const { bundle, warnings } = normalize(canonical);

    expect(bundle.pem).toBe(canonical);
    expect(warnings).toEqual([]);
    expect(bundle.certificates.map((certificate) => certificate.subject)).toEqual([
      'CN=Issuing',
      'CN=Root',
    ]);
    expect(bundle.certificates.map((certificate) => certificate.selfSigned)).toEqual([false, true]);
  });
});

describe('PEM damage that loses nothing', () => {
  it('turns CRLF and CR line ends into LF', async () => {
    const { root, issuing } = await chain();
    const canonical = bundleOf(issuing, root);

    for (const lineEnd of ['\r\n', '\r']) {
      const { bundle, warnings } = normalize(canonical.replace(/\n/g, lineEnd));
      expect(bundle.pem).toBe(canonical);
      expect(warnings).toEqual(warned('PEM_LINE_ENDINGS_NORMALIZED'));
    }
  });

  it('removes trailing spaces and tabs', async () => {
    const { root } = await chain();
    const { bundle, warnings } = normalize(root.pem.replace(/\n/g, ' \t\n'));

    expect(bundle.pem).toBe(root.pem);
    expect(warnings).toEqual(warned('PEM_TRAILING_WHITESPACE_REMOVED'));
  });

  it('adds a missing final newline', async () => {
    const { root } = await chain();
    const { bundle, warnings } = normalize(root.pem.trimEnd());

    expect(bundle.pem).toBe(root.pem);
    expect(warnings).toEqual(warned('PEM_FINAL_NEWLINE_ADDED'));
  });

  it('removes a uniform indentation, as YAML leaves it', async () => {
    const { root, issuing } = await chain();
    const canonical = bundleOf(issuing, root);
    const { bundle, warnings } = normalize(canonical.replace(/^/gm, '    ').trimEnd() + '\n');

    expect(bundle.pem).toBe(canonical);
    expect(warnings).toEqual(warned('PEM_INDENTATION_REMOVED'));
  });

  it('drops explanatory text around and between the blocks', async () => {
    const { root, issuing } = await chain();
    const withText =
      'Bag Attributes\n    friendlyName: vault\nsubject=CN = Issuing\n' +
      issuing.pem +
      'issuer=CN = Root\n' +
      root.pem +
      'end of bundle\n';
    const { bundle, warnings } = normalize(withText);

    expect(bundle.pem).toBe(bundleOf(issuing, root));
    expect(warnings).toEqual(warned('PEM_TEXT_DROPPED'));
  });

  it('removes blank lines and re-wraps base64 at 64 columns', async () => {
    const { root, issuing } = await chain();
    const body = (made: MadeCertificate) => made.pem.split('\n').slice(1, -2).join('');
    const wrappedAt76 = (made: MadeCertificate) =>
      `-----BEGIN CERTIFICATE-----\n${body(made)
        .match(/.{1,76}/g)
        ?.join('\n')}\n` + '-----END CERTIFICATE-----\n';
    const { bundle, warnings } = normalize(`\n${wrappedAt76(issuing)}\n\n${root.pem}\n`);

    expect(bundle.pem).toBe(bundleOf(issuing, root));
    expect(warnings).toEqual(warned('PEM_LAYOUT_NORMALIZED'));
  });

  it('drops duplicate certificates, naming them', async () => {
    const { root, issuing } = await chain();
    const result = validate(withCaBundle({ pem: bundleOf(issuing, root, issuing, root) }));

    expect(codes(result.warnings)).toEqual(warned('PEM_DUPLICATE_DROPPED'));
    expect(result.warnings[0]?.message).toContain('certificate 3 (same as 1)');
    expect(result.warnings[0]?.message).toContain('certificate 4 (same as 2)');
  });

  it('orders the chain issuing CA first and root last', async () => {
    const { root, issuing } = await chain();
    const { bundle, warnings } = normalize(bundleOf(root, issuing));

    expect(bundle.pem).toBe(bundleOf(issuing, root));
    expect(warnings).toEqual(warned('PEM_REORDERED'));
  });

  it('puts each certificate before its issuer, roots last in input order', async () => {
    const oldRoot = await makeRoot({ subject: 'Root 2024' });
    const newRoot = await makeRoot({ subject: 'Root 2025' });
    const policy = await makeIntermediate(newRoot, { subject: 'Policy' });
    const issuing = await makeIntermediate(policy, { subject: 'Issuing' });
    const legacy = await makeIntermediate(oldRoot, { subject: 'Legacy' });
    const { bundle } = normalize(bundleOf(oldRoot, policy, newRoot, legacy, issuing));

    expect(bundle.certificates.map((certificate) => certificate.subject)).toEqual([
      'CN=Issuing',
      'CN=Policy',
      'CN=Legacy',
      'CN=Root 2024',
      'CN=Root 2025',
    ]);
  });

  it('reports each kind of change once when the damage comes all together', async () => {
    const { root, issuing } = await chain();
    const damaged = `Vault chain:\r\n  ${bundleOf(root, issuing, root).replace(/\n/g, '  \r\n  ')}`;
    const { bundle, warnings } = normalize(damaged.trimEnd());

    expect(bundle.pem).toBe(bundleOf(issuing, root));
    expect(warnings).toEqual(
      warned(
        'PEM_LINE_ENDINGS_NORMALIZED',
        'PEM_TRAILING_WHITESPACE_REMOVED',
        'PEM_INDENTATION_REMOVED',
        'PEM_FINAL_NEWLINE_ADDED',
        'PEM_TEXT_DROPPED',
        'PEM_DUPLICATE_DROPPED',
        'PEM_REORDERED',
      ),
    );
  });
});

describe('a CA bundle without a PEM', () => {
  it('references the bundle in TSM by id', () => {
    const { caBundle } = integrationOf(validate(withCaBundle({})));

    expect(caBundle).toEqual({ mode: 'reference', id: 'my-CA-bundle' });
  });

  it('refuses a name or description that would be ignored, saying what to do', () => {
    const result = validate(withCaBundle({ name: 'bundle', description: 'ours' }));
    const errors = result.ok ? [] : result.errors;

    expect(codes(errors)).toEqual([
      { pointer: '/caBundle/description', code: 'CA_BUNDLE_REFERENCE_FIELDS' },
      { pointer: '/caBundle/name', code: 'CA_BUNDLE_REFERENCE_FIELDS' },
    ]);
    expect(errors[1]?.message).toMatch(/drop name, or give the pem/);
  });
});
