import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataSourceSettings } from '@grafana/data';

import { PodReasonsOptions, PodReasonsSecureOptions } from '../types';
import { ConfigEditor, proxyUrlProblem } from './ConfigEditor';

type Options = DataSourceSettings<PodReasonsOptions, PodReasonsSecureOptions>;

function setup(overrides: Partial<Options> = {}) {
  const options = { jsonData: {}, secureJsonFields: {}, ...overrides } as Options;
  const onOptionsChange = jest.fn();
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return { onOptionsChange, last: (): Options => onOptionsChange.mock.calls.at(-1)[0] };
}

describe('proxyUrlProblem', () => {
  it.each([
    ['http://podreasons-proxy:8080', undefined],
    ['https://proxy.example/base/', undefined],
    [undefined, 'Enter the URL Grafana uses to reach the proxy.'],
    ['podreasons-proxy:8080', 'The URL must start with http:// or https://.'],
    ['not a url', 'Enter a full URL, such as http://podreasons-proxy:8080.'],
    ['ftp://proxy', 'The URL must start with http:// or https://.'],
    ['http://proxy:8080/?x=1', 'Leave out the ?query and #fragment: the plugin adds its own paths.'],
  ])('%s', (value, problem) => {
    expect(proxyUrlProblem(value)).toBe(problem);
  });
});

describe('ConfigEditor', () => {
  it('stores the proxy URL in jsonData', async () => {
    const { last } = setup();
    await userEvent.type(screen.getByLabelText(/Proxy URL/), 'h');
    expect(last().jsonData).toEqual({ proxyUrl: 'h' });
  });

  it('flags a wrong URL at once, an empty one only on Save & test', () => {
    setup();
    expect(screen.queryByText('Enter the URL Grafana uses to reach the proxy.')).not.toBeInTheDocument();
    setup({ jsonData: { proxyUrl: 'proxy:8080' } });
    expect(screen.getByText('The URL must start with http:// or https://.')).toBeInTheDocument();
  });

  it('keeps the token write-only in secureJsonData', async () => {
    const { last } = setup();
    await userEvent.type(screen.getByLabelText(/^Token/), 's');
    expect(last().secureJsonData).toEqual({ token: 's' });
    expect(last().jsonData).toEqual({});
  });

  it('shows a saved token as configured and resets it', async () => {
    const { last } = setup({ secureJsonFields: { token: true } });
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields).toEqual({ token: false });
    expect(last().secureJsonData).toEqual({ token: '' });
  });

  it('switches TLS verification off for the route', async () => {
    const { last } = setup({ jsonData: { proxyUrl: 'https://proxy' } });
    await userEvent.click(screen.getByLabelText(/^Skip TLS certificate verification/));
    expect(last().jsonData).toEqual({ proxyUrl: 'https://proxy', tlsSkipVerify: true });
  });

  it("keeps a private CA's certificate write-only, and turns on Grafana's verification against it", async () => {
    const { last } = setup({ jsonData: { proxyUrl: 'https://proxy' } });
    await userEvent.type(screen.getByLabelText(/^CA certificate/), 'P');
    expect(last().secureJsonData).toEqual({ tlsCACert: 'P' });
    expect(last().jsonData).toEqual({ proxyUrl: 'https://proxy', tlsAuthWithCACert: true });
  });

  it('turns the client certificate on with it, and off with its reset', async () => {
    const { last } = setup({ jsonData: { tlsAuth: true }, secureJsonFields: { tlsClientCert: true } });
    await userEvent.type(screen.getByLabelText(/^Client key/), 'K');
    expect(last().secureJsonData).toEqual({ tlsClientKey: 'K' });
    expect(last().jsonData).toEqual({ tlsAuth: true });
    await userEvent.click(screen.getAllByRole('button', { name: 'Reset' })[0]);
    expect(last().jsonData).toEqual({ tlsAuth: false });
    expect(last().secureJsonFields).toEqual({ tlsClientCert: false });
  });

  it('explains how to run the proxy', () => {
    setup();
    expect(screen.getByText('npx podreasons serve')).toBeInTheDocument();
    expect(screen.getByText('docker compose up')).toBeInTheDocument();
  });
});
