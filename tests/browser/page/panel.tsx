// What Grafana does around a data source's editors, for the test pages: the panel that runs a query
// and shows its frames in a table, and the settings page around the config editor. Each keeps what
// a user sees in `data-testid="panel"` and the state the tests read below it.
import React, { ComponentType, useEffect, useMemo, useState } from 'react';
import {
  applyFieldOverrides,
  CoreApp,
  DataFrame,
  DataQuery,
  DataQueryRequest,
  DataSourceApi,
  DataSourceJsonData,
  DataSourcePluginOptionsEditorProps,
  DataSourceSettings,
  dateTime,
  FieldConfigSource,
  getFieldDisplayName,
  GrafanaTheme2,
  QueryEditorProps,
} from '@grafana/data';
import { Alert, Stack, Table, TableSortByFieldState, useTheme2 } from '@grafana/ui';
import { from } from 'rxjs';

/** A panel's request for the last hour at a one-minute interval. */
export function request<T extends DataQuery>(query: T): DataQueryRequest<T> {
  const now = Date.now();
  return {
    targets: [query],
    range: { from: dateTime(now - 3600_000), to: dateTime(now), raw: { from: 'now-1h', to: 'now' } },
    intervalMs: 60_000,
    interval: '1m',
    scopedVars: {},
    requestId: 'page',
    timezone: 'utc',
    app: CoreApp.PanelEditor,
    startTime: now,
  };
}

/** How a dashboard's table panel is set up: its field config, the fields it hides, its sort, its width. */
export interface TablePanel {
  fieldConfig: FieldConfigSource;
  hiddenFields: string[];
  sortBy?: TableSortByFieldState[];
  width: number;
  /** Size columns to their longest text, as Grafana's table panel does with content-aware widths. */
  fitColumns?: boolean;
}

const PLAIN_TABLE: TablePanel = { fieldConfig: { defaults: {}, overrides: [] }, hiddenFields: [], width: 1180 };

/** A cell's padding and room for the header's sort arrow, in pixels. */
const CELL_CHROME = 36;

/** Widths that fit each column's longest text (header in its heavier font), measured as the browser draws them. */
function fitColumns(frame: DataFrame, theme: GrafanaTheme2): DataFrame {
  const context = document.createElement('canvas').getContext('2d')!;
  const { fontSize, fontFamily, fontWeightMedium } = theme.typography;
  const widest = (texts: string[], weight: number) => {
    context.font = `${weight} ${fontSize}px ${fontFamily}`;
    return Math.max(...texts.map((text) => context.measureText(text).width));
  };
  const fields = frame.fields.map((field) => {
    const header = widest([getFieldDisplayName(field, frame)], fontWeightMedium);
    const cells = widest(
      field.values.map((value) => field.display!(value).text),
      theme.typography.fontWeightRegular
    );
    const width = Math.ceil(Math.max(header, cells)) + CELL_CHROME;
    return { ...field, config: { ...field.config, custom: { ...field.config.custom, width } } };
  });
  return { ...frame, fields };
}

/** Counts the web fonts loaded so far: text measured before Inter arrived must be measured again. */
function useFontLoads(): number {
  const [loads, setLoads] = useState(0);
  useEffect(() => {
    const count = () => setLoads((n) => n + 1);
    document.fonts.addEventListener('loadingdone', count);
    return () => document.fonts.removeEventListener('loadingdone', count);
  }, []);
  return loads;
}

/** Frames as Grafana's table panel shows them, field config (colours, links) applied. */
export function Results({
  frames,
  error,
  panel = PLAIN_TABLE,
}: {
  frames: DataFrame[];
  error?: string;
  panel?: TablePanel;
}) {
  const theme = useTheme2();
  const fontLoads = useFontLoads();
  const shown = useMemo(() => {
    const styled = applyFieldOverrides({
      data: frames.map((frame) => ({
        ...frame,
        fields: frame.fields.filter((field) => !panel.hiddenFields.includes(field.name)),
      })),
      fieldConfig: panel.fieldConfig,
      replaceVariables: (value: string) => value,
      theme,
    });
    return panel.fitColumns ? styled.map((frame) => fitColumns(frame, theme)) : styled;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [frames, panel, theme, fontLoads]);
  return (
    <div data-testid="results">
      {error && <Alert severity="error" title={error} />}
      {shown.map((frame, index) => (
        <div key={index} data-testid="frame" data-rows={frame.length}>
          <Table
            data={frame}
            width={panel.width}
            height={Math.min(60 + frame.length * 36, 360)}
            initialSortBy={panel.sortBy}
          />
        </div>
      ))}
    </div>
  );
}

interface QueryPanelProps<Q extends DataQuery, O extends DataSourceJsonData, DS extends DataSourceApi<Q, O>> {
  datasource: DS;
  editor: ComponentType<QueryEditorProps<DS, Q, O>>;
  initial: Q;
  table?: TablePanel;
}

/** The query editor above the panel's table: runs on load and on each onRunQuery, a newer run (or leaving) cancelling the older one. */
export function QueryPanel<Q extends DataQuery, O extends DataSourceJsonData, DS extends DataSourceApi<Q, O>>({
  datasource,
  editor: Editor,
  initial,
  table,
}: QueryPanelProps<Q, O, DS>) {
  const [query, setQuery] = useState<Q>(initial);
  const [frames, setFrames] = useState<DataFrame[]>([]);
  const [error, setError] = useState<string>();
  const [run, setRun] = useState(0);
  useEffect(() => {
    const subscription = from(datasource.query(request(query))).subscribe((response) => {
      setFrames(response.data);
      setError(response.errors?.[0]?.message);
    });
    return () => subscription.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run]);
  return (
    <Stack direction="column" gap={2}>
      <div data-testid="panel" style={{ padding: 12 }}>
        <Stack direction="column" gap={2}>
          <Editor query={query} datasource={datasource} onChange={setQuery} onRunQuery={() => setRun(run + 1)} />
          <Results frames={frames} error={error} panel={table} />
        </Stack>
      </div>
      <pre data-testid="query">{JSON.stringify(query)}</pre>
    </Stack>
  );
}

/** The data source settings page: the config editor, and the options it would save. */
export function ConfigPanel<O extends DataSourceJsonData, S>({
  editor: Editor,
}: {
  editor: ComponentType<DataSourcePluginOptionsEditorProps<O, S>>;
}) {
  const [options, setOptions] = useState({ jsonData: {}, secureJsonFields: {} } as DataSourceSettings<O, S>);
  return (
    <Stack direction="column" gap={2}>
      <div data-testid="panel" style={{ padding: 12 }}>
        <Editor options={options} onOptionsChange={setOptions} />
      </div>
      <pre data-testid="options">
        {JSON.stringify({
          jsonData: options.jsonData,
          secureJsonData: options.secureJsonData,
          secureJsonFields: options.secureJsonFields,
        })}
      </pre>
    </Stack>
  );
}
