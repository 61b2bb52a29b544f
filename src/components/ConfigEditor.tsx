import React, { ChangeEvent } from 'react';
import { css } from '@emotion/css';
import { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import { Field, Input, SecretInput, SecretTextArea, Stack, Switch, Text, TextLink, useStyles2 } from '@grafana/ui';

import { PodReasonsOptions, PodReasonsSecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<PodReasonsOptions, PodReasonsSecureOptions>;

/** The PEM fields of Grafana's data proxy TLS settings, and the jsonData switch each one turns on. */
const PEM_FIELDS = [
  {
    key: 'tlsCACert',
    flag: 'tlsAuthWithCACert',
    label: 'CA certificate',
    description: 'For an https proxy whose certificate a private CA signed (PEM): Grafana verifies it against this CA.',
  },
  {
    key: 'tlsClientCert',
    flag: 'tlsAuth',
    label: 'Client certificate',
    description: 'Optional (PEM): sent to a proxy behind a TLS terminator that asks for one.',
  },
  {
    key: 'tlsClientKey',
    flag: 'tlsAuth',
    label: 'Client key',
    description: "The client certificate's private key (PEM).",
  },
] as const;

/** Why Grafana's server could not use this proxy URL, or undefined when it can. */
export function proxyUrlProblem(value: string | undefined): string | undefined {
  if (!value) {
    return 'Enter the URL Grafana uses to reach the proxy.';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, such as http://podreasons-proxy:8080.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The URL must start with http:// or https://.';
  }
  if (url.search || url.hash) {
    return 'Leave out the ?query and #fragment: the plugin adds its own paths.';
  }
  return undefined;
}

const getStyles = (theme: GrafanaTheme2) => ({
  ways: css({ margin: 0, paddingLeft: theme.spacing(3), maxWidth: 900 }),
});

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const styles = useStyles2(getStyles);
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const setJsonData = (patch: Partial<PodReasonsOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  // An empty field is only flagged by Save & test; a wrong one at once.
  const urlProblem = jsonData.proxyUrl ? proxyUrlProblem(jsonData.proxyUrl) : undefined;

  return (
    <Stack direction="column" gap={2}>
      <Stack direction="column" gap={0.5}>
        <Text element="h3">Connection</Text>
        <Text color="secondary">
          Grafana&apos;s server calls the Pod Reasons proxy, which watches pods in Kubernetes; browsers never see the
          token. Run the proxy where Grafana&apos;s server can reach it:
        </Text>
        <ul className={styles.ways}>
          <li>
            <Text color="secondary">
              On your machine: <code>npx podreasons serve</code> uses your kubeconfig and listens on port 8080 (from
              Grafana in Docker: <code>http://host.docker.internal:8080</code>).
            </Text>
          </li>
          <li>
            <Text color="secondary">
              With the project&apos;s <code>docker compose up</code>: Grafana, the proxy and a demo cluster, already
              connected.
            </Text>
          </li>
          <li>
            <Text color="secondary">
              In the cluster: a Deployment whose service account may get, list and watch pods (nodes and events add
              initiators), reached at its Service URL, e.g. <code>http://podreasons-proxy.monitoring:8080</code>.{' '}
              <TextLink href="https://kubernetes.io/docs/reference/access-authn-authz/rbac/" external>
                About RBAC
              </TextLink>
            </Text>
          </li>
        </ul>
      </Stack>

      <Field
        label="Proxy URL"
        description="Seen from Grafana's server, not from your browser."
        required
        invalid={Boolean(urlProblem)}
        error={urlProblem}
      >
        <Input
          id="podreasons-proxy-url"
          width={60}
          value={jsonData.proxyUrl ?? ''}
          placeholder="http://podreasons-proxy:8080"
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            setJsonData({ proxyUrl: event.currentTarget.value.trim() })
          }
        />
      </Field>

      <Field
        label="Token"
        description="The bearer token the proxy was started with (--token-file or PODREASONS_TOKEN). Leave empty if it has none."
      >
        <SecretInput
          id="podreasons-token"
          width={60}
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData?.token ?? ''}
          placeholder="Token"
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, token: event.currentTarget.value } })
          }
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...secureJsonFields, token: false },
              secureJsonData: { ...secureJsonData, token: '' },
            })
          }
        />
      </Field>

      {PEM_FIELDS.map(({ key, flag, label, description }) => (
        <Field key={key} label={label} description={description}>
          <SecretTextArea
            id={`podreasons-${key}`}
            cols={60}
            rows={4}
            isConfigured={Boolean(secureJsonFields?.[key])}
            value={secureJsonData?.[key] ?? ''}
            placeholder="-----BEGIN CERTIFICATE-----"
            onChange={(event: ChangeEvent<HTMLTextAreaElement>) =>
              onOptionsChange({
                ...options,
                jsonData: { ...jsonData, [flag]: true },
                secureJsonData: { ...secureJsonData, [key]: event.currentTarget.value },
              })
            }
            onReset={() =>
              onOptionsChange({
                ...options,
                jsonData: { ...jsonData, [flag]: false },
                secureJsonFields: { ...secureJsonFields, [key]: false },
                secureJsonData: { ...secureJsonData, [key]: '' },
              })
            }
          />
        </Field>
      ))}

      <Field
        label="Skip TLS certificate verification"
        description="Only for an https proxy with a self-signed certificate, in tests. Anyone between Grafana and the proxy could read the token."
      >
        <Switch
          id="podreasons-tls-skip-verify"
          value={Boolean(jsonData.tlsSkipVerify)}
          onChange={(event) => setJsonData({ tlsSkipVerify: event.currentTarget.checked })}
        />
      </Field>
    </Stack>
  );
}
