import { ConfigReader } from '@backstage/config';
import { createArgoCdDevServer } from '@internal/argocd-dev-server';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getGlobalDispatcher } from 'undici';
import { ArgoCdClient } from './ArgoCdClient';
import { readDemoSetup } from './__testUtils__/demoGitopsRepository';
import {
  createDemoRepository,
  DemoRepository,
} from '../../__testUtils__/demoRepository';

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
async function createCertificate(
  dir: string,
): Promise<{ key: string; cert: string }> {
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  return {
    key: await fs.readFile(path.join(dir, 'key.pem'), 'utf8'),
    cert: await fs.readFile(path.join(dir, 'cert.pem'), 'utf8'),
  };
}

describe('ArgoCdClient TLS settings', () => {
  let dir: string;
  let repository: DemoRepository;
  let server: https.Server;
  let url: string;
  let cert: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'argocd-tls-'));
    const tls = await createCertificate(dir);
    cert = tls.cert;
    repository = await createDemoRepository();
    const setup = await readDemoSetup();
    const stand = createArgoCdDevServer({
      repositoryPath: repository.bare,
      layouts: setup.layouts,
      environments: setup.environments,
      token: 'tls-token',
    });
    server = https.createServer(tls, stand.app);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
    await repository.cleanup();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('applies caCert and insecureSkipVerify per instance, changing nothing process-wide', async () => {
    const before = {
      env: process.env.NODE_TLS_REJECT_UNAUTHORIZED,
      dispatcher: getGlobalDispatcher(),
      agent: https.globalAgent,
      rejectUnauthorized: https.globalAgent.options.rejectUnauthorized,
    };
    const client = ArgoCdClient.fromConfig(
      new ConfigReader({
        gitopsPromotion: {
          argocd: {
            instances: [
              {
                name: 'trusted',
                url,
                token: 'tls-token',
                tls: { caCert: cert },
              },
              {
                name: 'insecure',
                url,
                token: 'tls-token',
                tls: { insecureSkipVerify: true },
              },
              { name: 'default', url, token: 'tls-token' },
            ],
          },
          environments: ['dev', 'staging', 'prod-eu'].map((name, i) => ({
            name,
            repository: 'r',
            argocd: { instance: ['trusted', 'insecure', 'default'][i] },
          })),
        },
      }),
    )!;
    try {
      const statuses = await client.getStatuses(
        ['dev', 'staging', 'prod-eu'].map(environment => ({
          service: 'checkout',
          environment,
        })),
      );
      expect(
        statuses.map(s => (s.state === 'known' ? s.syncStatus : s.reason)),
      ).toEqual(['Synced', 'Synced', 'instance-unreachable']);
      expect(statuses[2]).toMatchObject({
        message: expect.stringMatching(/self[- ]signed certificate/i),
      });

      expect({
        env: process.env.NODE_TLS_REJECT_UNAUTHORIZED,
        dispatcher: getGlobalDispatcher(),
        agent: https.globalAgent,
        rejectUnauthorized: https.globalAgent.options.rejectUnauthorized,
      }).toEqual(before);
      expect(getGlobalDispatcher()).toBe(before.dispatcher);
      // Anything else in the process still verifies certificates.
      await expect(
        fetch(`${url}/api/v1/applications`, {
          headers: { authorization: 'Bearer tls-token' },
        }),
      ).rejects.toThrow();
      await expect(
        new Promise((resolve, reject) =>
          https.get(`${url}/api/v1/applications`, resolve).on('error', reject),
        ),
      ).rejects.toThrow(/self[- ]signed certificate/i);
    } finally {
      await client.close();
    }
  });
});
