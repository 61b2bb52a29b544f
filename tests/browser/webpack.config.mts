import path from 'node:path';
import type { Configuration } from 'webpack';

const here = import.meta.dirname;
const root = path.resolve(here, '../..');

/**
 * Bundles a test page with React, rxjs and the real @grafana/ui, data and runtime inside: outside
 * Grafana nothing provides them, unlike the plugin build, which leaves them external. `name` is the
 * page's folder here and the name of its bundle.
 */
export function pageConfig(outputPath: string, name: 'page' | 'host' = 'page'): Configuration {
  return {
    mode: 'development',
    devtool: false,
    context: root,
    entry: path.join(here, name, 'index.tsx'),
    output: { path: outputPath, filename: `${name}.js`, publicPath: '/', clean: true },
    cache: { type: 'filesystem', cacheDirectory: path.join(root, '.cache', `webpack-browser-${name}`) },
    resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } } },
          },
        },
        // @grafana/ui's .mjs files import CommonJS packages by their default export (e.g.
        // react-custom-scrollbars-2), which strict .mjs interop would hand over as the whole module.
        { test: /\.mjs$/, include: /node_modules/, type: 'javascript/auto' },
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.(png|jpe?g|gif|svg|woff2?|ttf|eot)$/, type: 'asset/resource' },
      ],
    },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}
