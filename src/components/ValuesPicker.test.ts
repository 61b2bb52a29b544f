import { pickerOptions } from './ValuesPicker';

describe('pickerOptions', () => {
  it('lists known values, then dashboard variables, those containing the typed text', () => {
    expect(pickerOptions(['default', 'shop', 'kube-system'], ['$namespace', '$node'], 'S')).toEqual([
      { value: 'shop', label: 'shop' },
      { value: 'kube-system', label: 'kube-system' },
      { value: '$namespace', label: '$namespace', group: 'Dashboard variables' },
    ]);
  });
});
