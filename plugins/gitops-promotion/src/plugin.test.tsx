import { identityApiRef, useRouteRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactNode } from 'react';
import { Link, Route, Routes } from 'react-router-dom';
import { entity, mockGitopsPromotionApi } from './__testUtils__/fixtures';
import {
  EntityGitopsPromotionContent,
  gitopsPromotionApiRef,
  GitopsPromotionClient,
  GitopsPromotionPage,
  gitopsPromotionPlugin,
  isGitopsPromotionAvailable,
} from '.';

function LegacyApis(props: { children: ReactNode }) {
  return (
    <TestApiProvider
      apis={[
        [gitopsPromotionApiRef, mockGitopsPromotionApi()],
        [permissionApiRef, mockApis.permission()],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs: ['group:default/team-checkout'],
          }),
        ],
      ]}
    >
      {props.children}
    </TestApiProvider>
  );
}

function LinkToTeamView() {
  const teamView = useRouteRef(gitopsPromotionPlugin.routes.root);
  return <Link to={teamView()}>Team view</Link>;
}

const catalogEntityRoute = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

describe('gitops-promotion (legacy frontend system)', () => {
  it('is the gitops-promotion plugin, matching the backend plugin id', () => {
    expect(gitopsPromotionPlugin.getId()).toBe('gitops-promotion');
  });

  it('provides the client of the backend as its API', () => {
    const [factory, ...others] = gitopsPromotionPlugin.getApis();
    expect(others).toEqual([]);
    expect(factory.api).toBe(gitopsPromotionApiRef);
    expect(
      factory.factory({
        discoveryApi: mockApis.discovery(),
        fetchApi: { fetch },
      }),
    ).toBeInstanceOf(GitopsPromotionClient);
  });

  it('shows the environments of the service and their versions on the entity tab', async () => {
    await renderInTestApp(
      <LegacyApis>
        <Routes>
          <Route
            path="/environments"
            element={
              <EntityProvider entity={entity}>
                <EntityGitopsPromotionContent />
              </EntityProvider>
            }
          />
        </Routes>
      </LegacyApis>,
      { routeEntries: ['/environments'] },
    );
    const prodEu = await screen.findByRole('article', {
      name: 'Production EU',
    });
    expect(within(prodEu).getByText('2.5.0')).toBeInTheDocument();
    expect(
      within(screen.getByRole('article', { name: 'Staging' })).getByText(
        '2.6.1',
      ),
    ).toBeInTheDocument();
  });

  it('shows the matrix of services and environments on the team view page', async () => {
    await renderInTestApp(
      <LegacyApis>
        <Routes>
          <Route path="/gitops-promotion" element={<GitopsPromotionPage />} />
        </Routes>
      </LegacyApis>,
      {
        routeEntries: ['/gitops-promotion'],
        mountedRoutes: catalogEntityRoute,
      },
    );
    const matrix = await screen.findByRole('table', {
      name: 'Environment matrix',
    });
    expect(
      within(matrix)
        .getAllByRole('columnheader')
        .map(header => header.textContent),
    ).toEqual([
      '',
      'Service',
      expect.stringMatching(/^Development/),
      expect.stringMatching(/^Staging/),
      expect.stringMatching(/^Production EU/),
    ]);
    expect(screen.getByText('Showing 2 of 4 services')).toBeVisible();
  });

  it("leads links to the plugin's root route to the team view", async () => {
    await renderInTestApp(
      <LegacyApis>
        <Routes>
          <Route path="/" element={<LinkToTeamView />} />
          <Route path="/gitops-promotion" element={<GitopsPromotionPage />} />
        </Routes>
      </LegacyApis>,
      { mountedRoutes: catalogEntityRoute },
    );
    await userEvent.click(screen.getByRole('link', { name: 'Team view' }));
    expect(
      await screen.findByRole('table', { name: 'Environment matrix' }),
    ).toBeInTheDocument();
  });

  it.each<{
    entity: string;
    annotations?: Record<string, string>;
    offered: boolean;
  }>([
    {
      entity: 'annotated with gitops-promotion/service',
      annotations: { 'gitops-promotion/service': 'checkout' },
      offered: true,
    },
    { entity: 'without annotations', annotations: undefined, offered: false },
    {
      entity: 'annotated for other plugins only',
      annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
      offered: false,
    },
  ])(
    'offers the Environments tab to an entity $entity: $offered',
    ({ annotations, offered }) => {
      expect(
        isGitopsPromotionAvailable({
          ...entity,
          metadata: { name: 'checkout', annotations },
        }),
      ).toBe(offered);
    },
  );
});
