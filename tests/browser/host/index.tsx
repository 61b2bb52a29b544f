// Grafana's side of a plugin, for the browser test of the built plugin. Like Grafana, this page
// loads the plugin's module.js with SystemJS and its AMD extra, resolving the module's externals to
// the shared packages it registers (real packages, bundled into this page), then shows the
// plugin's own config and query editors. Of src/ it imports only the test template service, which
// stands in for Grafana's.
// Query parameters: plugin (its id), view (config | query), proxy, token, theme (dark | light).
import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';

import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

import overview from '../../../provisioning/dashboards/podreasons-overview.json';
import { fakeTemplateSrv } from '../../../src/testing/templateSrv';
import { fetchBackendSrv } from '../page/fetchBackendSrv';
import { ConfigPanel, QueryPanel, type TablePanel } from '../page/panel';

const { CoreApp, DataSourcePlugin, ThemeContext } = grafanaData;
const { config, setBackendSrv, setTemplateSrv } = grafanaRuntime;
const { Alert, GlobalStyles } = grafanaUI;

/** What Grafana shares with plugins under these names (its sharedDependenciesMap). */
const SHARED: Record<string, System.Module> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUI,
  react: React,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  'react/jsx-runtime': jsxRuntime,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

/** Registers the shared packages as Grafana does: each under a URL-like id, mapped from its bare name. */
function shareDependencies() {
  for (const [name, module] of Object.entries(SHARED)) {
    System.set(`package:${name}`, module);
  }
  System.addImportMap({ imports: Object.fromEntries(Object.keys(SHARED).map((name) => [name, `package:${name}`])) });
}

/** A data source plugin, whatever its query and option types. */
type Plugin = grafanaData.DataSourcePlugin<grafanaData.DataSourceApi>;

const params = new URLSearchParams(window.location.search);
const DS_URL = '/api/datasources/proxy/uid/podreasons';
const proxyBase = params.get('proxy') ?? window.location.origin;

/** Wide enough for the overview's Pods table without cutting its columns; the settings page is narrower. */
const TABLE_WIDTH = 1500;
const CONFIG_WIDTH = 960;

/** The Pods table of the provisioned overview dashboard: what users see first. */
function overviewPodsTable(): TablePanel {
  const panel = overview.panels.find(
    (p) => p.type === 'table' && p.targets.some((t) => 'queryType' in t && t.queryType === 'pods')
  )!;
  const organize = panel.transformations!.find((t) => t.id === 'organize')!;
  return {
    fieldConfig: panel.fieldConfig as grafanaData.FieldConfigSource,
    hiddenFields: Object.keys((organize.options as { excludeByName: object }).excludeByName),
    sortBy: panel.options.sortBy,
    width: TABLE_WIDTH,
    fitColumns: true,
  };
}

async function loadPlugin(id: string): Promise<Plugin> {
  const { plugin } = await System.import(`/public/plugins/${id}/module.js`);
  // The plugin must build on the page's @grafana/data, not a copy bundled into module.js.
  if (!(plugin instanceof DataSourcePlugin)) {
    throw new Error(`module.js of ${id} exports no DataSourcePlugin of the shared @grafana/data`);
  }
  return plugin;
}

function Page({ plugin }: { plugin: Plugin }) {
  const datasource = React.useMemo(
    () =>
      new plugin.DataSourceClass({
        id: 1,
        uid: 'podreasons',
        type: plugin.meta?.id ?? params.get('plugin'),
        name: 'Pod Reasons',
        url: DS_URL,
        jsonData: { proxyUrl: proxyBase },
        meta: plugin.meta,
        access: 'proxy',
        readOnly: false,
      } as unknown as grafanaData.DataSourceInstanceSettings),
    [plugin]
  );
  const { ConfigEditor, QueryEditor } = plugin.components;
  const settingsPage = params.get('view') === 'config';
  if (!ConfigEditor || !QueryEditor) {
    return <Alert severity="error" title="The plugin has no config or query editor" />;
  }
  return (
    <div style={{ padding: 16, width: settingsPage ? CONFIG_WIDTH : TABLE_WIDTH + 24 }}>
      {settingsPage ? (
        <ConfigPanel editor={ConfigEditor} />
      ) : (
        <QueryPanel
          datasource={datasource}
          editor={QueryEditor}
          initial={{ ...datasource.getDefaultQuery?.(CoreApp.PanelEditor), refId: 'A' }}
          table={overviewPodsTable()}
        />
      )}
    </div>
  );
}

shareDependencies();
setBackendSrv(fetchBackendSrv(DS_URL, proxyBase, params.get('token') ?? undefined));
setTemplateSrv(fakeTemplateSrv({}));
const root = ReactDOMClient.createRoot(document.getElementById('root')!);
loadPlugin(params.get('plugin') ?? '').then(
  (plugin) =>
    root.render(
      <ThemeContext.Provider value={config.theme2}>
        <GlobalStyles />
        <Page plugin={plugin} />
      </ThemeContext.Provider>
    ),
  (error: Error) => root.render(<pre data-testid="load-error">{error.message}</pre>)
);
