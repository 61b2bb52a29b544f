import React, { useCallback } from 'react';
import { ComboboxOption, MultiCombobox } from '@grafana/ui';
import { getTemplateSrv } from '@grafana/runtime';

interface Props {
  id: string;
  value?: string[];
  onChange: (values: string[]) => void;
  /** Loads the known values each time the menu opens, so new namespaces or reasons show up. */
  load: () => Promise<string[]>;
  placeholder?: string;
}

/** Known values, then dashboard variables, those matching what the user typed. */
export function pickerOptions(values: string[], variables: string[], input: string): ComboboxOption[] {
  const needle = input.toLowerCase();
  const matches = (value: string) => value.toLowerCase().includes(needle);
  return [
    ...values.filter(matches).map((value) => ({ value, label: value })),
    ...variables.filter(matches).map((value) => ({ value, label: value, group: 'Dashboard variables' })),
  ];
}

/** Pick several values loaded from the proxy, type your own, or use `$variables`. */
export function ValuesPicker({ id, value = [], onChange, load, placeholder = 'Any' }: Props) {
  const options = useCallback(
    async (input: string) => {
      const variables = getTemplateSrv()
        .getVariables()
        .map((variable) => `$${variable.name}`);
      return pickerOptions(await load(), variables, input);
    },
    [load]
  );
  return (
    <MultiCombobox
      id={id}
      value={value.map((entry) => ({ value: entry, label: entry }))}
      options={options}
      onChange={(selected) => onChange(selected.map((option) => option.value))}
      createCustomValue
      placeholder={placeholder}
      width="auto"
      minWidth={20}
      maxWidth={60}
    />
  );
}
