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
      'development',
    );
    expect(read).toEqual({
      directory: path.resolve('../../.data/scaffolded'),
      waitMs: 60_000,
    });
  });

  it('is off without configuration and in production', () => {
    expect(readLocalCatalogConfig(config([], undefined))).toBeUndefined();
    expect(
      readLocalCatalogConfig(
        config([{ type: 'file', target }], {
          directory: '../../.data/scaffolded',
        }),
        'production',
      ),
    ).toBeUndefined();
  });

  it('refuses a directory no catalog location reads, naming the key and the fix', () => {
    expect(() =>
      readLocalCatalogConfig(
        config([{ type: 'file', target: '../../examples/entities.yaml' }], {
          directory: '../../.data/scaffolded',
        }),
        'development',
      ),
    ).toThrow(
      "Invalid configuration at gitopsPromotion.development.localCatalog.directory: no catalog location reads '../../.data/scaffolded'; add { type: file, target: ../../.data/scaffolded/catalog-info.yaml } to catalog.locations",
    );
  });
});
