// docker-compose.yaml without Docker: services, build contexts and Dockerfiles, mounts, ports and
// the wiring between services (URLs, tokens, the shared kubeconfig), read as Compose would.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { copyArgs, execForm, parseDockerfile } from './dockerfile.ts';
import { PACKAGE_DIR, zipName } from '../../scripts/package.ts';
import { PLUGIN_ID, datasources, readJson, readText, readYaml, repo, root } from './lib.ts';

const compose = readYaml('docker-compose.yaml');

/** A service with `extends` merged in the way Compose does for the keys used here. */
function service(name: string): any {
  const own = compose.services[name];
  if (!own.extends) {
    return { ...own, dir: root, build: own.build && { ...own.build, context: resolve(root, own.build.context) } };
  }
  const baseFile = repo(own.extends.file);
  const base = readYaml(relative(root, baseFile)).services[own.extends.service];
  const baseDir = dirname(baseFile);
  return {
    ...base,
    ...own,
    dir: root,
    build: {
      ...base.build,
      ...own.build,
      context: resolve(baseDir, base.build.context),
      args: { ...base.build?.args, ...own.build?.args },
    },
    // Relative paths of the base file are relative to that file.
    volumes: [
      ...(base.volumes ?? []).map((v: string) => (v.startsWith('.') ? resolve(baseDir, v) : v)),
      ...(own.volumes ?? []),
    ],
    environment: { ...base.environment, ...own.environment },
  };
}

/** Compose's `${NAME:-default}` as it reads with NAME unset; a variable without default is an error. */
function unsetEnv(value: string): string {
  return String(value).replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, name, fallback) => {
    assert.notEqual(fallback, undefined, `\${${name}} has no default: the stack would not start as documented`);
    return fallback;
  });
}

const volume = (spec: string) => {
  const [source, target, mode] = spec.split(':');
  return { source, target, mode };
};
const hostPath = (svc: any, source: string) => resolve(svc.dir, source);
const isNamed = (source: string) => !source.startsWith('.') && !source.startsWith('/');
const flag = (args: string[], name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
const dockerfileOf = (svc: any) => join(svc.build.context, svc.build.dockerfile ?? 'Dockerfile');

describe('docker-compose.yaml', () => {
  test('has the four services, each built from an existing context and Dockerfile or an image', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['demo-cluster', 'grafana', 'prometheus', 'proxy']);
    for (const name of Object.keys(compose.services)) {
      const svc = service(name);
      if (svc.image) {
        continue;
      }
      assert.ok(statSync(svc.build.context).isDirectory(), `${name}: build context ${svc.build.context}`);
      assert.ok(existsSync(dockerfileOf(svc)), `${name}: ${dockerfileOf(svc)}`);
    }
  });

  test('every bind mount points at an existing path, except the plugin package folder', () => {
    for (const name of Object.keys(compose.services)) {
      const svc = service(name);
      for (const { source } of (svc.volumes ?? []).map(volume)) {
        if (isNamed(source)) {
          assert.ok(source in (compose.volumes ?? {}), `${name}: volume ${source} is not declared`);
          continue;
        }
        // What `npm run package` writes.
        if (hostPath(svc, source) === PACKAGE_DIR) {
          continue;
        }
        assert.ok(existsSync(hostPath(svc, source)), `${name}: ${source} does not exist`);
      }
    }
  });

  describe('grafana', () => {
    const grafana = service('grafana');
    const mounts = grafana.volumes.map(volume);

    test('is Grafana 13.2 on port 3000, unsigned loading allowed for the plugin id', () => {
      assert.match(unsetEnv(grafana.build.args.grafana_version), /^13\.2\.\d+$/);
      assert.ok(
        grafana.ports.some((p: string) => p.startsWith('3000:3000')),
        'port 3000'
      );
      assert.ok(grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').includes(PLUGIN_ID));
    });

    test('installs the plugin from the zip of `npm run package`, as "id@version@URL" like any plugin zip', () => {
      assert.equal(grafana.environment.GF_INSTALL_PLUGINS, undefined, 'deprecated');
      const [id, version, url] = grafana.environment.GF_PLUGINS_PREINSTALL_SYNC.split('@');
      assert.equal(id, PLUGIN_ID);
      assert.equal(version, readJson('package.json').version);
      // Grafana reads a local path as the URL; the zip comes from a read-only mount of the package folder.
      const mount = mounts.find((m: any) => url.startsWith(`${m.target}/`));
      assert.ok(mount, `${url} is in no mounted folder`);
      assert.equal(hostPath(grafana, mount.source), PACKAGE_DIR);
      assert.equal(mount.mode, 'ro');
      assert.equal(posix.basename(url), zipName(PLUGIN_ID, readJson('package.json').version));
      assert.ok(
        !mounts.some((m: any) => m.target.startsWith('/var/lib/grafana/plugins')),
        'a mount in the plugin directory would shadow the install'
      );
    });

    test('mounts provisioning/ where Grafana reads it', () => {
      const provisioning = mounts.find((m: any) => m.target === '/etc/grafana/provisioning');
      assert.equal(provisioning && hostPath(grafana, provisioning.source), repo('provisioning'));
    });

    test('sets every variable the data source file uses', () => {
      const used = [...readText('provisioning/datasources/datasources.yml').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      assert.ok(used.length >= 3);
      for (const name of used) {
        assert.ok(name in grafana.environment, `${name} is not set for grafana`);
        assert.ok(unsetEnv(grafana.environment[name]), `${name} is empty`);
      }
    });
  });

  describe('proxy and demo-cluster', () => {
    const proxy = service('proxy');
    const cluster = service('demo-cluster');
    const proxyImage = parseDockerfile(relative(root, dockerfileOf(proxy)));
    const clusterImage = parseDockerfile(relative(root, dockerfileOf(cluster)));
    const last = <T>(list: T[]) => list[list.length - 1];
    const clusterEntry = execForm(last(clusterImage).instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args);

    test('the proxy shares the demo cluster network and starts once the cluster is healthy', () => {
      assert.equal(proxy.network_mode, 'service:demo-cluster');
      assert.equal(proxy.depends_on['demo-cluster'].condition, 'service_healthy');
      assert.ok(last(clusterImage).instructions.some((i) => i.keyword === 'HEALTHCHECK') || cluster.healthcheck);
    });

    test('the proxy reads the kubeconfig the demo cluster publishes, through one shared volume', () => {
      const published = clusterEntry[clusterEntry.indexOf('--publish') + 1];
      assert.equal(flag(proxy.command, '--kubeconfig'), published);
      const holding = (svc: any) => svc.volumes.map(volume).find((m: any) => published.startsWith(`${m.target}/`));
      assert.ok(holding(proxy) && holding(cluster), 'both services mount the kubeconfig directory');
      assert.equal(holding(proxy).source, holding(cluster).source);
      assert.ok(isNamed(holding(proxy).source));
      assert.equal(holding(proxy).mode, 'ro');
      // A read-only identity of the harness (tests/apiserver/up.go).
      const context = flag(proxy.command, '--context')!;
      assert.ok(readText('tests/apiserver/up.go').includes(`{"${context}", ""}`), `no harness identity ${context}`);
    });

    test('the proxy runs with a read-only root filesystem and a writable /tmp', () => {
      assert.equal(proxy.read_only, true);
      assert.ok(proxy.tmpfs.includes('/tmp'));
    });

    test('Grafana and Prometheus reach the proxy where it listens, with the same token', () => {
      const env = Object.fromEntries(
        last(proxyImage)
          .instructions.filter((i) => i.keyword === 'ENV')
          .map((i) => i.args.split('='))
      );
      const port = env.PODREASONS_LISTEN.split(':').pop();
      const grafana = service('grafana');
      const url = new URL(unsetEnv(grafana.environment.PODREASONS_PROXY_URL));
      assert.equal(`${url.hostname}:${url.port}`, `demo-cluster:${port}`);
      assert.ok(
        cluster.ports.some((p: string) => p === `${port}:${port}/tcp`),
        'the proxy port is published'
      );
      const scrape = readYaml('provisioning/prometheus/prometheus.yml').scrape_configs.find(
        (s: any) => s.job_name === 'podreasons'
      );
      assert.deepEqual(scrape.static_configs[0].targets, [`demo-cluster:${port}`]);
      assert.equal(proxy.environment.PODREASONS_TOKEN, grafana.environment.PODREASONS_TOKEN);
    });

    test('the demo cluster builds the harness with the Go version of tests/apiserver/go.mod', () => {
      const goVersion = /^go (\d+\.\d+)/m.exec(readText('tests/apiserver/go.mod'))![1];
      assert.ok(
        clusterImage.some((s) => s.from === `golang:${goVersion}`),
        `no golang:${goVersion} stage`
      );
    });
  });

  test('Prometheus loads prometheus.yml and its rules from the mounted folder', () => {
    const prometheus = service('prometheus');
    const mount = prometheus.volumes.map(volume)[0];
    const config = flag(prometheus.command, '--config.file')!;
    assert.equal(posix.dirname(config), mount.target);
    const local = join(hostPath(prometheus, mount.source), posix.basename(config));
    assert.equal(local, repo('provisioning/prometheus/prometheus.yml'));
    for (const file of readYaml('provisioning/prometheus/prometheus.yml').rule_files) {
      assert.ok(existsSync(join(dirname(local), file)), `rule file ${file}`);
    }
    const url = new URL(unsetEnv(service('grafana').environment.PROMETHEUS_URL));
    assert.equal(`${url.hostname}:${url.port}`, 'prometheus:9090');
    assert.ok(datasources().some((ds) => ds.uid === 'prometheus' && ds.url === '${PROMETHEUS_URL}'));
  });
});

describe('images built from the repository root', () => {
  const ignore = readText('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const allowed = ignore.slice(1).map((l) => l.slice(1).replace(/\/$/, ''));
  const rootImages = Object.keys(compose.services)
    .map(service)
    .filter((svc) => svc.build && svc.build.context === root)
    .map(dockerfileOf);

  test('.dockerignore excludes everything but an allow-list', () => {
    assert.equal(ignore[0], '*');
    assert.ok(ignore.slice(1).every((l) => l.startsWith('!')));
    for (const path of allowed) {
      assert.ok(existsSync(repo(path)), `allow-list entry ${path} does not exist`);
    }
  });

  for (const dockerfile of rootImages) {
    test(`${relative(root, dockerfile)} copies only files that exist and are in the build context`, () => {
      for (const stage of parseDockerfile(relative(root, dockerfile))) {
        for (const { keyword, args } of stage.instructions) {
          if (keyword !== 'COPY') {
            continue;
          }
          const { from, sources } = copyArgs(args);
          if (from) {
            continue;
          }
          for (const source of sources.map((s) => s.replace(/\/$/, ''))) {
            assert.ok(existsSync(repo(source)), `${source} does not exist`);
            assert.ok(
              allowed.some((a) => source === a || source.startsWith(`${a}/`)),
              `${source} is excluded by .dockerignore`
            );
          }
        }
      }
    });
  }

  test('the proxy image: Node 24 slim, only the bundled proxy, non-root, health-checked', () => {
    const stages = parseDockerfile('pkg-proxy/Dockerfile');
    for (const stage of stages) {
      assert.equal(stage.from, 'node:24-slim');
    }
    const final = stages[stages.length - 1].instructions;
    const copied = final.filter((i) => i.keyword === 'COPY').flatMap((i) => copyArgs(i.args).sources);
    assert.deepEqual(copied, ['/app/pkg-proxy/package.json', '/app/pkg-proxy/dist'], 'the image holds no node_modules');
    assert.ok(!final.some((i) => i.keyword === 'RUN'), 'nothing is installed into the image');
    const user = final.filter((i) => i.keyword === 'USER').pop()?.args ?? 'root';
    assert.ok(!/^(root|0)(:|$)/.test(user), `runs as ${user}`);
    assert.ok(final.some((i) => i.keyword === 'HEALTHCHECK'));
    const entry = [
      ...execForm(final.find((i) => i.keyword === 'ENTRYPOINT')!.args),
      ...execForm(final.find((i) => i.keyword === 'CMD')!.args),
    ];
    assert.deepEqual(entry, ['node', '--max-semi-space-size=2', 'pkg-proxy/dist/podreasons.mjs', 'serve']);
    const listen = final.find((i) => i.keyword === 'ENV' && i.args.startsWith('PODREASONS_LISTEN='));
    assert.equal(listen?.args, 'PODREASONS_LISTEN=0.0.0.0:8080');
  });
});
