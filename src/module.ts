import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { PodReasonsOptions, PodReasonsQuery, PodReasonsSecureOptions } from './types';

export const plugin = new DataSourcePlugin<DataSource, PodReasonsQuery, PodReasonsOptions, PodReasonsSecureOptions>(
  DataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
