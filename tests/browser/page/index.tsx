// The browser test page: the plugin's editors with the real @grafana/ui, wired to a Pod Reasons
// proxy. Query parameters: view (config | query | variable | annotation), queryType, proxy (the
// proxy's base URL; default: this page's origin), token, theme (dark | light).
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CoreApp, DataSourceInstanceSettings, ThemeContext, toDataFrame } from '@grafana/data';
import { config, setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { Alert, Button, GlobalStyles, Stack } from '@grafana/ui';

import { ConfigEditor } from '../../../src/components/ConfigEditor';
import { QueryEditor } from '../../../src/components/QueryEditor';
import { AnnotationQueryEditor } from '../../../src/components/AnnotationQueryEditor';
import { VariableQueryEditor } from '../../../src/components/VariableQueryEditor';
import { DataSource } from '../../../src/datasource';
import { PodReasonsVariableSupport } from '../../../src/variables';
import { fakeTemplateSrv } from '../../../src/testing/templateSrv';
import {
  PodReasonsOptions,
  PodReasonsQuery,
  PodReasonsSecureOptions,
  PodReasonsVariableQuery,
  QueryType,
} from '../../../src/types';
import { fetchBackendSrv } from './fetchBackendSrv';
import { ConfigPanel, QueryPanel, request } from './panel';

const params = new URLSearchParams(window.location.search);
const DS_URL = '/api/datasources/proxy/uid/podreasons';
const proxyBase = params.get('proxy') ?? window.location.origin;

setBackendSrv(fetchBackendSrv(DS_URL, proxyBase, params.get('token') ?? undefined));
setTemplateSrv(fakeTemplateSrv({ namespace: ['shop', 'default'], pod: 'web-1' }));

const datasource = new DataSource({
  id: 1,
  uid: 'podreasons',
  type: 'podreasons-kubernetes-datasource',
  name: 'Pod Reasons',
  url: DS_URL,
  jsonData: { proxyUrl: proxyBase },
  meta: {},
  access: 'proxy',
  readOnly: false,
} as unknown as DataSourceInstanceSettings<PodReasonsOptions>);

function AnnotationView() {
  const [query, setQuery] = useState<PodReasonsQuery>();
  const [events, setEvents] = useState<string[]>([]);
  const run = () => {
    const target = datasource.annotations!.prepareQuery!({
      name: 'Transitions',
      enable: true,
      iconColor: 'red',
      target: query,
    })!;
    datasource
      .query(request(target))
      .subscribe((response) =>
        datasource.annotations!.processEvents!(
          { name: 'Transitions', enable: true, iconColor: 'red' },
          response.data
        ).subscribe((list) =>
          setEvents((list ?? []).map((event) => `${event.title}: ${event.text} [${event.tags?.join(', ')}]`))
        )
      );
  };
  return (
    <Stack direction="column" gap={2}>
      <AnnotationQueryEditor query={query!} datasource={datasource} onChange={setQuery} onRunQuery={run} />
      <div>
        <Button onClick={run}>Run annotation query</Button>
      </div>
      <ul data-testid="events">
        {events.map((event) => (
          <li key={event}>{event}</li>
        ))}
      </ul>
    </Stack>
  );
}

function VariableView() {
  const [query, setQuery] = useState<PodReasonsVariableQuery>();
  const [values, setValues] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const run = () =>
    (datasource.variables as PodReasonsVariableSupport)
      .query(request(query ?? ({} as PodReasonsVariableQuery)))
      .subscribe({
        next: (response) => setValues(toDataFrame(response.data[0]).fields[0].values),
        error: (e: Error) => setError(e.message),
      });
  return (
    <Stack direction="column" gap={2}>
      <VariableQueryEditor query={query!} datasource={datasource} onChange={setQuery} onRunQuery={run} />
      <div>
        <Button onClick={run}>Run variable query</Button>
      </div>
      {error && <Alert severity="error" title={error} />}
      <pre data-testid="values">{values.join('\n')}</pre>
    </Stack>
  );
}

function Page() {
  const view = params.get('view') ?? 'query';
  return (
    <div style={{ padding: 16, width: 1200 }}>
      {view === 'config' && <ConfigPanel<PodReasonsOptions, PodReasonsSecureOptions> editor={ConfigEditor} />}
      {view === 'query' && (
        <QueryPanel<PodReasonsQuery, PodReasonsOptions, DataSource>
          datasource={datasource}
          editor={QueryEditor}
          initial={{
            ...datasource.getDefaultQuery(CoreApp.PanelEditor),
            refId: 'A',
            queryType: (params.get('queryType') as QueryType) ?? 'pods',
          }}
        />
      )}
      {view === 'variable' && <VariableView />}
      {view === 'annotation' && <AnnotationView />}
    </div>
  );
}

// The page's HTML picks the theme in grafanaBootData, as Grafana does for the signed-in user.
createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={config.theme2}>
    <GlobalStyles />
    <Page />
  </ThemeContext.Provider>
);
