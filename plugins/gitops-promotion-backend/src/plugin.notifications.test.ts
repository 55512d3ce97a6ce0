import {
  coreServices,
  createServiceFactory,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import signalsPlugin from '@backstage/plugin-signals-backend';
import request from 'supertest';
import { GiteaFake } from './clients/gitea/__testUtils__/giteaFake';
import {
  createDemoRepository,
  DemoRepository,
} from './__testUtils__/demoRepository';
import { startGiteaPullRequestHost } from './__testUtils__/giteaPullRequestHost';
import {
  asUser,
  exampleEntities,
  promoteWhenAllowed,
  startPromotionBackend,
  withMemberships,
} from './__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const api = '/api/gitops-promotion';
const guest = 'user:default/guest';
// guest's teammates in team-checkout, which owns checkout, payments and cart
const marcus = 'user:default/marcus.chen';
const aiko = 'user:default/aiko.tanaka';
// in team-storefront, which owns storefront and search
const sofia = 'user:default/sofia.alvarez';

/**
 * Who hears what, read back from the real notifications backend over its
 * REST API as each user: promotions by `guest` are written to the demo
 * repository (served over HTTP), prod-us opens Gitea pull requests (a fake
 * of Gitea's API), the Argo CD stand-in rolls them out, and the tracker
 * moves them on. prod-eu has notifications turned off.
 */
describe('notifications about promotions', () => {
  let demo: DemoRepository;
  let host: Awaited<ReturnType<typeof startGiteaPullRequestHost>>;
  let gitea: GiteaFake;
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;

  beforeAll(async () => {
    demo = await createDemoRepository();
    host = await startGiteaPullRequestHost(demo, {
      username: 'ci-bot',
      password: 'gitea-token',
    });
    gitea = host.gitea;
    backend = await startPromotionBackend({
      demo,
      entities: withMemberships(exampleEntities()),
      features: [notificationsPlugin, signalsPlugin],
      rootConfig: {
        // the notifications backend checks links against it
        app: { baseUrl: 'http://localhost:3000' },
        integrations: host.integrations,
      },
      mutateConfig: section => {
        section.repositories[0].url = host.repositoryUrl;
        section.argocd.instances[0].cacheTtlSeconds = 0;
        const environment = (name: string) =>
          section.environments.find((e: { name: string }) => e.name === name);
        Object.assign(environment('prod-us'), {
          mode: 'pull-request',
          gate: { requireSynced: false, requireHealthy: false },
        });
        environment('prod-eu').notifications = { enabled: false };
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await host?.close();
  });

  /** A new version in `environment`, committed behind the backend's back as CI would. */
  const release = (file: string, version: string) =>
    demo.commit(`Release ${version}`, [
      { file, key: 'image.tag', value: version },
    ]);

  /** `guest` promotes once the stand-in runs the source version (the gate). */
  const promote = (entityRef: string, source: string, target: string) =>
    promoteWhenAllowed(backend.server, guest, { entityRef, source, target });

  /** Runs the tracker until the promotion is in `state`. */
  async function trackUntil(id: string, state: string) {
    for (let i = 0; i < 60; i++) {
      await backend.runTracker();
      const res = await request(backend.server)
        .get(`${api}/promotions/${id}`)
        .set('Authorization', asUser(guest));
      if (res.body.state === state) return;
      await new Promise(r => setTimeout(r, 200));
      await backend.standIn.reconcile();
    }
    throw new Error(`Promotion ${id} never became ${state}`);
  }

  async function notificationsOf(user: string): Promise<NotificationPayload[]> {
    const res = await request(backend.server)
      .get('/api/notifications/notifications')
      .set('Authorization', asUser(user));
    expect(res.status).toBe(200);
    return res.body.notifications.map(
      (n: { payload: NotificationPayload }) => n.payload,
    );
  }

  /** The user's notification titled `title`, once it arrived (they are sent in the background). */
  async function eventually(user: string, title: string) {
    for (let i = 0; i < 50; i++) {
      const found = (await notificationsOf(user)).find(n => n.title === title);
      if (found) return found;
      await new Promise(r => setTimeout(r, 200));
    }
    throw new Error(`${user} never got "${title}"`);
  }

  it('tells the requester, and no one else, that their promotion is deployed', async () => {
    await release('envs/dev/checkout/values.yaml', '2.7.0');
    const { id } = await promote(
      'component:default/checkout',
      'dev',
      'staging',
    );
    await trackUntil(id, 'deployed');

    const title = 'checkout 2.7.0 is deployed to Staging';
    expect(await eventually(guest, title)).toMatchObject({
      description:
        'Your promotion of checkout 2.7.0 from Development to Staging is deployed: Argo CD runs it synced and healthy.',
      link: '/catalog/default/component/checkout/environments',
      severity: 'normal',
      topic: 'gitops-promotion',
      scope: `promotion:${id}`,
    });
    expect((await notificationsOf(marcus)).map(n => n.title)).not.toContain(
      title,
    );
  });

  it("asks the service's owners, not the requester, to review a promotion's pull request", async () => {
    await release('envs/staging/cart/values.yaml', '3.3.0');
    const { id, pullRequest } = await promote(
      'component:default/cart',
      'staging',
      'prod-us',
    );
    expect(pullRequest).toBeDefined();

    const title = 'cart 3.3.0 to Production US waits for review';
    const expected = {
      description: `Guest asks to promote cart 3.3.0 from Staging to Production US. Review pull request #${
        pullRequest!.number
      }: ${pullRequest!.url}`,
      link: '/catalog/default/component/cart/environments',
      severity: 'normal',
      topic: 'gitops-promotion',
      scope: `promotion:${id}`,
    };
    expect(await eventually(marcus, title)).toMatchObject(expected);
    expect(await eventually(aiko, title)).toMatchObject(expected);
    expect((await notificationsOf(guest)).map(n => n.title)).not.toContain(
      title,
    );
    expect((await notificationsOf(sofia)).map(n => n.title)).not.toContain(
      title,
    );
  });

  it('tells the requester that their pull request was closed without merging', async () => {
    await release('envs/staging/payments/values.yaml', 'v1.19.0');
    const { id, pullRequest } = await promote(
      'component:default/payments',
      'staging',
      'prod-us',
    );
    gitea.closePullRequest(pullRequest!.number);
    await trackUntil(id, 'rejected');

    const title = 'Promotion of payments v1.19.0 to Production US was rejected';
    expect(await eventually(guest, title)).toMatchObject({
      description: `Pull request #${
        pullRequest!.number
      } was closed without merging: ${pullRequest!.url}`,
      link: '/catalog/default/component/payments/environments',
      severity: 'normal',
    });
  });

  it('tells the requester that their promotion failed, and why', async () => {
    await release('envs/dev/cart/values.yaml', '3.9.1');
    const { id } = await promote('component:default/cart', 'dev', 'staging');
    backend.standIn.degrade('cart-staging', 'CrashLoopBackOff');
    try {
      await trackUntil(id, 'failed');
    } finally {
      backend.standIn.recover('cart-staging');
    }

    const title = 'Promotion of cart 3.9.1 to Staging failed';
    const failure = await eventually(guest, title);
    expect(failure).toMatchObject({
      link: '/catalog/default/component/cart/environments',
      severity: 'high',
      topic: 'gitops-promotion',
    });
    expect(failure.description).toMatch(
      /^Reason: Degraded at [0-9a-f]+: CrashLoopBackOff$/,
    );
  });

  it('tells no one about an environment whose notifications are turned off', async () => {
    await release('envs/staging/checkout/values.yaml', '2.9.0');
    const quiet = await promote(
      'component:default/checkout',
      'staging',
      'prod-eu',
    );
    await trackUntil(quiet.id, 'deployed');
    // Notifications are sent in the order of the changes: once one about a
    // later change arrived, one about prod-eu would have too.
    await release('charts/search/values-staging.yaml', '0.9.9');
    await promote('component:default/search', 'staging', 'prod-us');
    await eventually(sofia, 'search 0.9.9 to Production US waits for review');

    for (const user of [guest, marcus, aiko, sofia]) {
      const about = (await notificationsOf(user)).filter(n =>
        n.scope?.includes(quiet.id),
      );
      expect(about).toEqual([]);
    }
  });
});

describe('notifications in a Backstage without the notifications backend', () => {
  const warnings: string[] = [];
  let backend: Awaited<ReturnType<typeof startPromotionBackend>>;
  beforeAll(async () => {
    const logger: RootLoggerService = {
      error() {},
      info() {},
      debug() {},
      warn(message) {
        warnings.push(message);
      },
      child: () => logger,
    };
    backend = await startPromotionBackend({
      features: [
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logger,
        }),
      ],
      mutateConfig: section => {
        section.argocd.instances[0].cacheTtlSeconds = 0;
      },
    });
  });
  afterAll(() => backend.stop());

  it('promotes as usual and says once why nobody is notified', async () => {
    const promotions: string[] = [];
    for (const [service, version] of [
      ['checkout', '2.8.5'],
      ['payments', 'v1.15.0'],
    ]) {
      await backend.demo.commit(`Release ${service} ${version}`, [
        {
          file: `envs/staging/${service}/values.yaml`,
          key: 'image.tag',
          value: version,
        },
      ]);
      const { id } = await promoteWhenAllowed(backend.server, guest, {
        entityRef: `component:default/${service}`,
        source: 'staging',
        target: 'prod-eu',
      });
      promotions.push(id);
    }
    const states = async () =>
      Promise.all(
        promotions.map(
          async id =>
            (
              await request(backend.server)
                .get(`${api}/promotions/${id}`)
                .set('Authorization', asUser(guest))
            ).body.state,
        ),
      );
    for (let i = 0; i < 60; i++) {
      await backend.runTracker();
      if ((await states()).every(state => state === 'deployed')) break;
      await new Promise(r => setTimeout(r, 200));
    }
    expect(await states()).toEqual(['deployed', 'deployed']);

    const aboutNotifications = () =>
      warnings.filter(w => w.startsWith('Could not send the notification'));
    for (let i = 0; i < 50 && aboutNotifications().length === 0; i++) {
      await new Promise(r => setTimeout(r, 100));
    }
    expect(aboutNotifications()).toEqual([
      expect.stringContaining(
        'promotions go on without it (is the notifications backend plugin installed?)',
      ),
    ]);
  });
});
