import { ConflictError } from '@backstage/errors';
import {
  getYamlValue,
  setYamlValue,
} from '@gitops-promotion/backstage-plugin-gitops-promotion-node';
import path from 'node:path';
import { createDemoRepository } from '../../__testUtils__/demoRepository';
import {
  GitHttpServer,
  startGitHttpBackend,
} from '../../__testUtils__/gitHttpBackend';
import { runGit } from '../git/runGit';
import { GitCliProvider } from '../git/GitCliProvider';
import { GitopsRepository } from './GitopsRepository';

// Real git over real transports, with several writers at once on 2 cores.
jest.setTimeout(60_000);

const committer = {
  name: 'GitOps Promotion',
  email: 'gitops-promotion@acme.test',
};
const alice = { name: 'Alice Example', email: 'alice@acme.test' };

describe.each(['local path', 'git http-backend'] as const)(
  'GitopsRepository over the git CLI (%s)',
  transport => {
    let demo: Awaited<ReturnType<typeof createDemoRepository>>;
    let server: GitHttpServer | undefined;
    let url: string;
    let cacheCount = 0;

    beforeEach(async () => {
      demo = await createDemoRepository();
      if (transport === 'git http-backend') {
        server = await startGitHttpBackend(demo.dir);
        url = `${server.url}/gitops-repo.git`;
      } else {
        url = demo.bare;
      }
    });

    afterEach(async () => {
      await server?.close();
      server = undefined;
      await demo.cleanup();
    });

    /** A writer with a cache of its own, as a separate backend instance would have. */
    const newRepository = () =>
      new GitopsRepository(
        'acme',
        new GitCliProvider({
          url,
          cacheDir: path.join(demo.dir, `cache-${cacheCount++}`),
          committer,
        }),
      );
    const originLog = async () =>
      (
        await runGit(['log', '--format=%H %an|%cn|%s', 'main'], {
          cwd: demo.bare,
        })
      )
        .trim()
        .split('\n');
    const originFile = (file: string) =>
      runGit(['show', `main:${file}`], { cwd: demo.bare });

    /** Sets one key of one file as a change based on the snapshot. */
    const change = async (
      repo: GitopsRepository,
      file: string,
      key: string,
      value: string,
      baseCommit?: string,
    ) => {
      const snapshot = baseCommit
        ? await repo.snapshotAt('main', baseCommit)
        : await repo.snapshot('main');
      const text = (await repo.readFile(snapshot, file))!;
      return {
        branch: 'main',
        baseCommit: snapshot.commitSha,
        changes: [{ path: file, content: setYamlValue(text, key, value) }],
        message: `Set ${key} in ${file} to ${value}`,
        author: alice,
      };
    };

    it('reads a snapshot: head, tree and files at one commit', async () => {
      const repo = newRepository();
      const snapshot = await repo.snapshot('main');
      expect(snapshot.commitSha).toBe((await originLog())[0].split(' ')[0]);
      expect(snapshot.files.size).toBe(49);
      expect([...snapshot.files.keys()]).toEqual(
        expect.arrayContaining([
          'envs/prod-us/checkout/values.yaml',
          'overlays/dev/kustomization.yaml',
          'apps/ledger/dev/Chart.yaml',
        ]),
      );
      const text = await repo.readFile(
        snapshot,
        'envs/prod-us/checkout/values.yaml',
      );
      expect(getYamlValue(text!, 'image.tag')).toBe('2.4.0');
      expect(
        await repo.readFile(snapshot, 'envs/qa/checkout/values.yaml'),
      ).toBeUndefined();
    });

    it('reads a file history with the blobs before and after each commit', async () => {
      const repo = newRepository();
      const snapshot = await repo.snapshot('main');
      const history = await repo.fileHistory(
        snapshot.commitSha,
        'envs/prod-eu/checkout/values.yaml',
        10,
      );
      expect(history.map(h => h.message)).toEqual([
        'Promote checkout 2.5.0 to prod-eu',
        'Promote checkout 2.4.0 to prod-eu and prod-us',
        'Import Acme GitOps repository',
      ]);
      expect(history[0].author.name).toBe('Priya Raman');
      const [after, before] = await Promise.all([
        repo.readBlob(history[0].blobSha!),
        repo.readBlob(history[0].previousBlobSha!),
      ]);
      expect(getYamlValue(before, 'image.tag')).toBe('2.4.0');
      expect(getYamlValue(after, 'image.tag')).toBe('2.5.0');
      expect(history[2].previousBlobSha).toBeUndefined();
    });

    it('reads the histories of many files in one walk, each as read alone', async () => {
      const repo = newRepository();
      const snapshot = await repo.snapshot('main');
      const paths = [
        'envs/prod-eu/checkout/values.yaml',
        'envs/prod-us/checkout/values.yaml',
        'overlays/dev/kustomization.yaml',
        'envs/qa/checkout/values.yaml',
      ];
      for (const limit of [1, 2, 10]) {
        const together = await repo.fileHistories(
          snapshot.commitSha,
          paths,
          limit,
        );
        for (const file of paths) {
          expect(together.get(file)).toEqual(
            await repo.fileHistory(snapshot.commitSha, file, limit),
          );
        }
        expect(together.get(paths[0])).toHaveLength(Math.min(limit, 3));
      }
      expect(
        (await repo.fileHistories(snapshot.commitSha, paths, 10)).get(
          'envs/qa/checkout/values.yaml',
        ),
      ).toEqual([]);
    });

    it('lists the next commit of a branch from what changed: the same files as a full listing', async () => {
      const repo = newRepository();
      const before = await repo.snapshot('main');
      const who = `Ann <ann@acme.test> 1700000000 +0000`;
      const data = (t: string) => `data ${Buffer.byteLength(t)}\n${t}\n`;
      await runGit(['fast-import', '--quiet', '--done'], {
        cwd: demo.bare,
        input: `commit refs/heads/main\ncommitter ${who}\n${data(
          'Add, change, delete, link',
        )}from refs/heads/main^0\nM 100644 inline envs/dev/new/values.yaml\n${data(
          'image:\n  tag: 1.0.0\n',
        )}M 100644 inline envs/dev/checkout/values.yaml\n${data(
          'image:\n  tag: 9.9.9\n',
        )}D envs/dev/cart/values.yaml\nM 120000 inline envs/dev/link.yaml\n${data(
          'checkout/values.yaml',
        )}done\n`,
      });
      const after = await repo.snapshot('main');

      const listed = await new GitCliProvider({
        url,
        cacheDir: path.join(demo.dir, `cache-${cacheCount++}`),
        committer,
      }).listFiles(after.commitSha);
      expect(after.files).toEqual(listed);
      expect(after.files).not.toEqual(before.files);
      expect(after.files.has('envs/dev/cart/values.yaml')).toBe(false);
      expect(after.files.has('envs/dev/link.yaml')).toBe(true);
    });

    it('reads the histories of files whose names git quotes or would take for patterns', async () => {
      const files = [
        'envs/dev/a"b/values.yaml',
        'envs/dev/back\\slash/values.yaml',
        'envs/dev/star/values.yaml',
        'envs/dev/st[a]r/values.yaml',
        'envs/dev/ünï cödé/values.yaml',
      ];
      const who = `Ann <ann@acme.test> 1700000000 +0000`;
      const data = (t: string) => `data ${Buffer.byteLength(t)}\n${t}\n`;
      // one commit per file and version, the newest last (only the first
      // names its parent: the others follow it within the stream)
      const commits = files
        .flatMap(file => ['1.0.0', '1.1.0'].map(version => ({ file, version })))
        .map(
          ({ file, version }, i) =>
            `commit refs/heads/main\ncommitter ${who}\n${data(
              `${file} ${version}`,
            )}${
              i === 0 ? 'from refs/heads/main^0\n' : ''
            }M 100644 inline ${JSON.stringify(file)}\n${data(
              `image:\n  tag: ${version}\n`,
            )}\n`,
        );
      await runGit(['fast-import', '--quiet', '--done'], {
        cwd: demo.bare,
        input: `${commits.join('')}done\n`,
      });
      const repo = newRepository();
      const snapshot = await repo.snapshot('main');
      const together = await repo.fileHistories(snapshot.commitSha, files, 10);
      for (const file of files) {
        const history = together.get(file)!;
        expect(history.map(h => h.message)).toEqual([
          `${file} 1.1.0`,
          `${file} 1.0.0`,
        ]);
        expect(await repo.readBlob(history[0].blobSha!)).toBe(
          'image:\n  tag: 1.1.0\n',
        );
        expect(await repo.fileHistory(snapshot.commitSha, file, 10)).toEqual(
          history,
        );
      }
    });

    it('reads the histories of every file of the repository in one walk', async () => {
      const repo = newRepository();
      const snapshot = await repo.snapshot('main');
      const paths = [...snapshot.files.keys()];
      const together = await repo.fileHistories(snapshot.commitSha, paths, 2);
      for (const file of paths) {
        expect(together.get(file)).toEqual(
          await repo.fileHistory(snapshot.commitSha, file, 2),
        );
      }
    });

    it('lands a change set as one commit: requester as author, service account as committer', async () => {
      const repo = newRepository();
      const snapshot = await repo.snapshot('main');
      const files = [
        'envs/prod-eu/checkout/values.yaml',
        'envs/prod-us/checkout/values.yaml',
      ];
      const changes = await Promise.all(
        files.map(async file => ({
          path: file,
          content: setYamlValue(
            (await repo.readFile(snapshot, file))!,
            'image.tag',
            '2.6.1',
          ),
        })),
      );
      const result = await repo.commitChanges({
        branch: 'main',
        baseCommit: snapshot.commitSha,
        changes,
        message: 'Promote checkout 2.6.1 to prod-eu and prod-us',
        author: alice,
      });
      expect(result).toEqual({
        commitSha: expect.stringMatching(/^[0-9a-f]{40}$/),
        parentSha: snapshot.commitSha,
        rebases: 0,
      });
      const [head] = await originLog();
      expect(head).toBe(
        `${result.commitSha} Alice Example|GitOps Promotion|Promote checkout 2.6.1 to prod-eu and prod-us`,
      );
      const diff = await runGit(['show', '--format=', '--unified=0', 'main'], {
        cwd: demo.bare,
      });
      expect(diff.split('\n').filter(l => /^[-+] /.test(l))).toEqual([
        '-  tag: "2.5.0"',
        '+  tag: "2.6.1"',
        '-  tag: "2.4.0"',
        '+  tag: "2.6.1"',
      ]);
    });

    it('rebases over unrelated commits that landed since the preview', async () => {
      const writer = newRepository();
      const other = newRepository();
      const base = (await writer.snapshot('main')).commitSha;
      const request = await change(
        writer,
        'charts/search/values-prod-us.yaml',
        'image.tag',
        '0.10.0',
        base,
      );
      const unrelated = await other.commitChanges(
        await change(
          other,
          'envs/prod-us/cart/values.yaml',
          'image.tag',
          '3.1.1',
        ),
      );

      const result = await writer.commitChanges(request);

      expect(result.parentSha).toBe(unrelated.commitSha);
      expect(result.rebases).toBe(1);
      const log = await originLog();
      expect(log[0].startsWith(result.commitSha)).toBe(true);
      expect(log[1].startsWith(unrelated.commitSha)).toBe(true);
      expect(
        getYamlValue(
          await originFile('envs/prod-us/cart/values.yaml'),
          'image.tag',
        ),
      ).toBe('3.1.1');
      expect(
        getYamlValue(
          await originFile('charts/search/values-prod-us.yaml'),
          'image.tag',
        ),
      ).toBe('0.10.0');
    });

    it('refuses with a ConflictError naming the file and who changed it when the file moved', async () => {
      const writer = newRepository();
      const other = newRepository();
      const base = (await writer.snapshot('main')).commitSha;
      const request = await change(
        writer,
        'envs/staging/payments/values.yaml',
        'image.tag',
        'v1.15.0',
        base,
      );
      await other.commitChanges({
        ...(await change(
          other,
          'envs/staging/payments/values.yaml',
          'image.tag',
          'v1.14.1',
        )),
        author: { name: 'Bob Other', email: 'bob@acme.test' },
        message: 'Hotfix payments',
      });
      const headBefore = (await originLog())[0];

      const attempt = writer.commitChanges(request);

      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(attempt).rejects.toThrow(
        /envs\/staging\/payments\/values\.yaml changed since [0-9a-f]{12} by Bob Other in [0-9a-f]{12} \("Hotfix payments"/,
      );
      expect((await originLog())[0]).toBe(headBefore);
      expect(
        getYamlValue(
          await originFile('envs/staging/payments/values.yaml'),
          'image.tag',
        ),
      ).toBe('v1.14.1');
    });

    it('keeps every commit of concurrent writers: unrelated files rebase, the same file conflicts', async () => {
      const base = (await newRepository().snapshot('main')).commitSha;
      const services = ['checkout', 'payments', 'cart'];
      const envs = ['dev', 'staging', 'prod-eu', 'prod-us'];
      const distinct = services.flatMap(s =>
        envs.map(e => `envs/${e}/${s}/values.yaml`),
      );
      const sameFile = 'charts/storefront/values-prod-eu.yaml';
      // Three backend replicas, each with its own cache, writing at once.
      const replicas = [newRepository(), newRepository(), newRepository()];

      const writers = [
        ...distinct.map((file, i) => ({ file, value: `9.0.${i}` })),
        ...[0, 1, 2].map(i => ({ file: sameFile, value: `sha-race${i}` })),
      ].map(async ({ file, value }, i) => {
        const repo = replicas[i % replicas.length];
        const request = await change(repo, file, 'image.tag', value, base);
        return repo.commitChanges(request).then(
          r => ({ file, value, commitSha: r.commitSha }),
          (error: Error) => ({ file, value, error }),
        );
      });
      const results = await Promise.all(writers);

      const landed = results.filter(r => 'commitSha' in r) as {
        file: string;
        value: string;
        commitSha: string;
      }[];
      const refused = results.filter(r => 'error' in r) as {
        file: string;
        error: Error;
      }[];
      // Every distinct-file writer lands, exactly one of the same-file writers does.
      expect(refused.map(r => r.file)).toEqual([sameFile, sameFile]);
      refused.forEach(r => {
        expect(r.error).toBeInstanceOf(ConflictError);
        expect(r.error.message).toContain(`${sameFile} changed since`);
      });
      expect(landed.filter(r => r.file === sameFile)).toHaveLength(1);
      // Nothing lost, nothing duplicated: the history holds each landed commit once.
      const shas = (await originLog()).map(l => l.split(' ')[0]);
      landed.forEach(r =>
        expect(shas.filter(s => s === r.commitSha)).toHaveLength(1),
      );
      expect(shas).toHaveLength(39 + landed.length);
      for (const r of landed) {
        expect(getYamlValue(await originFile(r.file), 'image.tag')).toBe(
          r.value,
        );
      }
    });
  },
);
