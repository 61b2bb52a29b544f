import { CATEGORIES } from '../pkg-proxy/src/contract';
import { CATEGORY_COLORS, categoryColor } from './categoryColors';

describe('category colours', () => {
  it('has a colour for every category and falls back for unknown ones', () => {
    expect(Object.keys(CATEGORY_COLORS).sort()).toEqual([...CATEGORIES].sort());
    expect(categoryColor('eviction')).toBe('orange');
    expect(categoryColor('something-new')).toBe(CATEGORY_COLORS.other);
  });
});
