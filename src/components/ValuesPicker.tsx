import React, { useCallback } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { ComboboxOption, MultiCombobox, useStyles2 } from '@grafana/ui';

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

// An empty MultiCombobox is shorter than the inline labels and inputs beside it; stretch it to
// their height (it still grows when its pills wrap).
const getStyles = (theme: GrafanaTheme2) => ({
  row: css({ display: 'flex', minHeight: theme.spacing(theme.components.height.md) }),
});

/** Pick several values loaded from the proxy, type your own, or use `$variables`. */
export function ValuesPicker({ id, value = [], onChange, load, placeholder = 'Any' }: Props) {
  const styles = useStyles2(getStyles);
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
    <div className={styles.row}>
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
    </div>
  );
}
