import {
  getVariableValues,
  OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { githubGraphqlSchema } from './__testUtils__/githubGraphql';
import { MAX_PATHS_PER_QUERY } from './GithubFileHistory';
import { historyRequest } from './githubHistoryQuery';

/** Names that would break a query if they were written into its text. */
const AWKWARD = [
  'envs/prod/"quoted"/values.yaml',
  'envs/prod/back\\slash/values.yaml',
  "envs/prod/it's/values.yaml",
  'envs/prod/ünïcödé 服务/values.yaml',
  'envs/prod/with spaces/values.yaml',
  'envs/prod/) { viewer { login } } #/values.yaml',
  'envs/prod/line\nbreak/values.yaml',
];

describe('historyRequest', () => {
  const schema = githubGraphqlSchema();

  it('asks GitHub only what its schema allows, for every batch size the provider sends', () => {
    for (let count = 1; count <= MAX_PATHS_PER_QUERY; count++) {
      const cursors = Array.from({ length: count }, (_, i) => ({
        path: AWKWARD[i % AWKWARD.length],
        after: i % 2 ? `${'a'.repeat(40)} ${i}` : undefined,
      }));
      const { query, variables } = historyRequest(cursors, {
        owner: 'acme',
        name: 'gitops',
        ref: 'main',
        first: 31,
      });

      const document = parse(query);
      expect({ count, errors: validate(schema, document) }).toEqual({
        count,
        errors: [],
      });
      const [operation] = document.definitions as OperationDefinitionNode[];
      expect(
        getVariableValues(schema, operation.variableDefinitions!, variables)
          .errors,
      ).toBeUndefined();
      for (const { path } of cursors) expect(query).not.toContain(path);
    }
  });

  it('passes each path and cursor as its own variable', () => {
    const { variables } = historyRequest(
      [{ path: AWKWARD[0] }, { path: AWKWARD[3], after: 'c 9' }],
      { owner: 'acme', name: 'gitops', ref: 'abc', first: 2 },
    );

    expect(variables).toEqual({
      owner: 'acme',
      name: 'gitops',
      ref: 'abc',
      first: 2,
      p0: AWKWARD[0],
      a0: null,
      p1: AWKWARD[3],
      a1: 'c 9',
    });
  });
});
