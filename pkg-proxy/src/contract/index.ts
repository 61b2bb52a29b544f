// The contract between the proxy and the Grafana data source: the public vocabulary and the HTTP
// API. Both import it from here (the plugin's build bundles what it uses), so it is written once.
export * from './vocabulary.ts';
export * from './api.ts';
