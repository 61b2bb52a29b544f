import { CATEGORIES, CATEGORY_COLORS, INITIATORS, categoryColor } from './vocabulary';

// The proxy's engine module is plain TypeScript; Jest's transform loads it without crossing the
// plugin's tsconfig rootDir.
const engine = jest.requireActual('../pkg-proxy/src/engine/types.ts');

describe('vocabulary', () => {
  it('matches the reason engine', () => {
    expect(CATEGORIES).toEqual(engine.CATEGORIES);
    expect(INITIATORS).toEqual(engine.INITIATORS);
  });

  it('has a colour for every category and falls back for unknown ones', () => {
    expect(Object.keys(CATEGORY_COLORS).sort()).toEqual([...CATEGORIES].sort());
    expect(categoryColor('eviction')).toBe('orange');
    expect(categoryColor('something-new')).toBe(CATEGORY_COLORS.other);
  });
});
