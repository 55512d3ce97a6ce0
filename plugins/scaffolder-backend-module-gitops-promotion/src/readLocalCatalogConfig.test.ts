import { ConfigReader } from '@backstage/config';
import path from 'node:path';
import { readLocalCatalogConfig } from './readLocalCatalogConfig';

const config = (locations: object[], local: object | undefined) =>
  new ConfigReader({
    catalog: { locations },
    gitopsPromotion: local && { development: { localCatalog: local } },
  });

describe('readLocalCatalogConfig', () => {
  const target = '../../.data/scaffolded/catalog-info.yaml';

  it('reads the directory when a catalog location reads its index', () => {
    const read = readLocalCatalogConfig(
      config(
        [
          { type: 'file', target: '../../examples/entities.yaml' },
          { type: 'file', target },
        ],
        { directory: '../../.data/scaffolded' },
      ),
    );
    expect(read).toEqual({
      directory: path.resolve('../../.data/scaffolded'),
      waitMs: 60_000,
    });
  });

  describe('by configuration alone, whatever NODE_ENV says', () => {
    const nodeEnv = process.env.NODE_ENV;
    afterEach(() => {
      process.env.NODE_ENV = nodeEnv;
    });

    it.each([['unset'], ['development'], ['production']])(
      'NODE_ENV %s: off without the section, on with it',
      value => {
        if (value === 'unset') delete process.env.NODE_ENV;
        else process.env.NODE_ENV = value;
        expect(readLocalCatalogConfig(config([], undefined))).toBeUndefined();
        expect(
          readLocalCatalogConfig(
            config([{ type: 'file', target }], {
              directory: '../../.data/scaffolded',
            }),
          ),
        ).toEqual({
          directory: path.resolve('../../.data/scaffolded'),
          waitMs: 60_000,
        });
      },
    );

    it('is off when a later configuration removes the section (development: null)', () => {
      const local = { directory: '../../.data/scaffolded' };
      const layered = ConfigReader.fromConfigs([
        {
          context: 'app-config.yaml',
          data: {
            catalog: { locations: [{ type: 'file', target }] },
            gitopsPromotion: { development: { localCatalog: local } },
          },
        },
        {
          context: 'app-config.production.yaml',
          data: { gitopsPromotion: { development: null } },
        },
      ]);
      expect(readLocalCatalogConfig(layered)).toBeUndefined();
    });
  });

  it('refuses a directory no catalog location reads, naming the key and the fix', () => {
    expect(() =>
      readLocalCatalogConfig(
        config([{ type: 'file', target: '../../examples/entities.yaml' }], {
          directory: '../../.data/scaffolded',
        }),
      ),
    ).toThrow(
      "Invalid configuration at gitopsPromotion.development.localCatalog.directory: no catalog location reads '../../.data/scaffolded'; add { type: file, target: ../../.data/scaffolded/catalog-info.yaml } to catalog.locations",
    );
  });
});
