// Validates what operators deploy, without a cluster or a Docker engine:
//  1. each kustomize overlay renders (kubectl kustomize) and every object passes the
//     Kubernetes OpenAPI schema (kubernetes-models); the dev overlay's credentials.env (gitignored) is
//     generated first with its generate-secrets.sh when missing (clean clone, CI);
//  2. policy: every Deployment has startup/liveness/readiness probes on /q/health/* at its management
//     port (never the public one), Prometheus scrapes that port, both ports match the service's
//     application.properties and its Dockerfiles, the containers listen on 0.0.0.0 (HTTP_HOST,
//     MANAGEMENT_HOST), the token issuer comes from the ConfigMap waiting-room-auth (AUTH_*, not a
//     Secret), credentials from a Secret whose passwords are in no file of the repository (no literal or
//     placeholder secret, no ADMIN_TOKEN); resource requests and limits, non-root, read-only root
//     filesystem; api-service and event-ingest-service have an HPA; every Deployment has a PDB;
//     a preStop sleep, and a grace period longer than that sleep plus its declared SIGTERM budget
//     (annotation waiting-room.io/shutdown-seconds, at least the service's quarkus.shutdown.timeout);
//  3. docker-compose.yml: every service has a healthcheck, depends_on targets exist and are
//     healthchecked, referenced files and named volumes exist; the four services' healthchecks use the
//     management port, which is published on loopback only, and they get HTTP_HOST/MANAGEMENT_HOST
//     0.0.0.0 and AUTH_* from the environment;
//  4. Prometheus configurations scrape the management ports; Dockerfiles run as non-root, multi-stage;
//     native ones bound the heap.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

/** Public and management port of each service (README "Ports"); everything else must agree. */
const PORTS = {
  'api-service': { http: 8080, management: 9080 },
  'outbox-worker': { http: 8081, management: 9081 },
  'projection-worker': { http: 8082, management: 9082 },
  'event-ingest-service': { http: 8083, management: 9083 },
};
/** Created by the operator outside git (prod); the dev overlay generates them. */
const EXTERNAL = { Secret: ['waiting-room-credentials'], ConfigMap: ['waiting-room-auth'] };
const SECRET_KEY = /PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|_KEY$/i;
const PLACEHOLDER = /change-?me|changeit|placeholder|example\.(com|org)|<[a-z-]+>|^(password|secret|admin|guest|waitingroom|test)$/i;

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes('/') ? apiVersion : `v1`;
  try {
    const module = await import(`kubernetes-models/${group}/${kind}`);
    return module[kind] ?? module.default;
  } catch (e) {
    return null;
  }
}

/** Seconds of a Quarkus duration ("10s", "PT10S", "1m"). */
function seconds(duration) {
  const simple = /^(\d+)(ms|s|m)?$/.exec(duration);
  if (simple) return Number(simple[1]) * ({ ms: 0.001, s: 1, m: 60 }[simple[2] ?? 's']);
  const iso = /^PT(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(duration);
  return iso ? Number(iso[1] ?? 0) * 60 + Number(iso[2] ?? 0) : NaN;
}

/** The pod must outlive preStop sleep + the app's SIGTERM budget, or Kubernetes kills it mid-drain. */
function checkShutdown(where, name, template) {
  const pod = template.spec;
  const sleep = pod.containers[0].lifecycle?.preStop?.sleep?.seconds;
  const budget = Number(template.metadata.annotations?.['waiting-room.io/shutdown-seconds']);
  if (!(sleep >= 1)) fail(where, 'needs a preStop sleep, so the endpoint is gone before the app stops');
  if (!(budget > 0)) { fail(where, 'annotation waiting-room.io/shutdown-seconds missing'); return; }
  if (!(pod.terminationGracePeriodSeconds > (sleep ?? 0) + budget)) {
    fail(where, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} <= preStop ${sleep} s + shutdown ${budget} s`);
  }
  const properties = join(root, name, 'src/main/resources/application.properties');
  const timeout = /^quarkus\.shutdown\.timeout=(\S+)/m.exec(readFileSync(properties, 'utf8'))?.[1];
  if (!timeout) fail(where, `${name} sets no quarkus.shutdown.timeout (running requests would be cut at SIGTERM)`);
  else if (!(seconds(timeout) <= budget)) fail(where, `shutdown budget ${budget} s < quarkus.shutdown.timeout ${timeout}`);
}

/** The default of `key=${ENV:default}` (or the plain value) in a service's application.properties. */
function propertyDefault(service, key) {
  const text = readFileSync(join(root, service, 'src/main/resources/application.properties'), 'utf8');
  const line = new RegExp(`^${key.replaceAll('.', '\\.')}=(.*)$`, 'm').exec(text)?.[1]?.trim();
  if (line === undefined) return undefined;
  const env = /^\$\{[A-Z_]+:([^}]*)\}$/.exec(line);
  return env ? env[1] : line;
}

/** The service's ports as its application.properties declares them. */
function checkProperties(service) {
  const { http, management } = PORTS[service];
  const where = `${service}/application.properties`;
  if (Number(propertyDefault(service, 'quarkus.http.port')) !== http) fail(where, `quarkus.http.port must default to ${http}`);
  if (propertyDefault(service, 'quarkus.management.enabled') !== 'true') {
    fail(where, 'quarkus.management.enabled=true missing (probes and metrics are on the management interface)');
  }
  if (Number(propertyDefault(service, 'quarkus.management.port')) !== management) {
    fail(where, `quarkus.management.port must be \${MANAGEMENT_PORT:${management}}`);
  }
}

/** Files of the repository's deploy/ and docker-compose.yml that git would commit (tracked or not ignored). */
function committableFiles() {
  try {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', 'deploy', 'docker-compose.yml'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\0').filter(Boolean).map((f) => join(root, f)).filter(existsSync);
  } catch (e) { // no git: everything under deploy/ except dependencies and the generated credentials
    const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => d.isDirectory()
      ? (d.name === 'node_modules' ? [] : walk(join(dir, d.name)))
      : (!d.isFile() || /^credentials\.env/.test(d.name) ? [] : [join(dir, d.name)]));
    return [...walk(join(root, 'deploy')), join(root, 'docker-compose.yml')];
  }
}

/** The dev overlay reads generated credentials; on a clean clone generate them (random, gitignored). */
function prepareOverlay(dir) {
  const generator = join(dir, 'generate-secrets.sh');
  if (existsSync(generator) && !existsSync(join(dir, 'credentials.env'))) {
    console.log(`[deploy] ${relative(root, dir)}/credentials.env missing: generating it (random values, gitignored)`);
    execFileSync('bash', [generator], { stdio: 'inherit' });
  }
}

const decode = (secret) => ({
  ...Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
  ...(secret.stringData ?? {}),
});

/** No secret value in git: every password-like value of a rendered Secret is absent from committable files. */
function checkSecrets(overlay, objects, rendered) {
  if (/change-?me/i.test(rendered)) fail(overlay, 'rendered manifests contain a "change-me" placeholder');
  if (/ADMIN_TOKEN|admin-token/.test(rendered)) fail(overlay, 'ADMIN_TOKEN is gone (role admin replaces the static tokens)');
  const committed = committableFiles().map((f) => readFileSync(f, 'utf8'));
  for (const object of objects) {
    const where = `${overlay}/${object.kind}/${object.metadata?.name}`;
    if (object.kind === 'ConfigMap') {
      for (const key of Object.keys(object.data ?? {})) {
        if (SECRET_KEY.test(key)) fail(where, `${key} looks secret: it belongs in a Secret, not a ConfigMap`);
      }
    }
    if (object.kind !== 'Secret') continue;
    for (const [key, value] of Object.entries(decode(object))) {
      if (key.startsWith('AUTH_')) fail(where, `${key} is public configuration: ConfigMap waiting-room-auth, not a Secret`);
      if (!SECRET_KEY.test(key)) continue;
      if (value.length < 16 || PLACEHOLDER.test(value)) fail(where, `${key} is weak or a placeholder`);
      else if (committed.some((text) => text.includes(value))) fail(where, `${key} is a literal in a committed file`);
    }
  }
  const templates = objects.filter((o) => o.spec?.template?.spec?.containers);
  for (const o of templates) {
    for (const c of o.spec.template.spec.containers) {
      for (const e of c.env ?? []) {
        if (SECRET_KEY.test(e.name) && e.value !== undefined) fail(`${overlay}/${o.kind}/${o.metadata.name}`, `env ${e.name} is a literal`);
      }
    }
  }
}

/**
 * What a container gets from env and envFrom (later envFrom entries win, env wins over envFrom); refs to
 * objects not rendered must be the documented external ones and are returned in `external`.
 */
function containerEnv(where, container, objects) {
  const env = {};
  const external = [];
  for (const source of container.envFrom ?? []) {
    const [kind, ref] = source.configMapRef ? ['ConfigMap', source.configMapRef] : ['Secret', source.secretRef];
    if (ref.optional) fail(where, `envFrom ${kind} ${ref.name} must not be optional`);
    const object = objects.find((o) => o.kind === kind && o.metadata.name === ref.name);
    if (object) Object.assign(env, kind === 'Secret' ? decode(object) : object.data);
    else if (EXTERNAL[kind].includes(ref.name)) external.push(ref.name);
    else fail(where, `envFrom ${kind} ${ref.name} is neither rendered nor a documented external object`);
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return { env, external };
}

/** Probes, scrape annotation and listen addresses: management port only, public port for the API. */
function checkPorts(where, name, deployment, container, env) {
  const expected = PORTS[name];
  if (!expected) { fail(where, 'unknown service (add it to PORTS)'); return; }
  const port = (n) => container.ports?.find((p) => p.name === n)?.containerPort;
  if (port('http') !== expected.http) fail(where, `container port "http" must be ${expected.http}`);
  if (port('management') !== expected.management) fail(where, `container port "management" must be ${expected.management}`);
  if (Number(env.HTTP_PORT) !== expected.http) fail(where, `HTTP_PORT must be ${expected.http}`);
  if (Number(env.MANAGEMENT_PORT) !== expected.management) fail(where, `MANAGEMENT_PORT must be ${expected.management}`);
  for (const host of ['HTTP_HOST', 'MANAGEMENT_HOST']) {
    if (env[host] !== '0.0.0.0') fail(where, `${host} must be 0.0.0.0 in a pod (the services default to 127.0.0.1)`);
  }
  for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const target = container[p]?.httpGet?.port;
    if (target !== 'management' && target !== expected.management) {
      fail(where, `${p} must target the management port (${expected.management}), not ${target}`);
    }
  }
  const annotations = deployment.spec.template.metadata.annotations ?? {};
  if (annotations['prometheus.io/scrape'] !== 'true' || annotations['prometheus.io/path'] !== '/q/metrics'
      || Number(annotations['prometheus.io/port']) !== expected.management) {
    fail(where, `Prometheus must scrape /q/metrics on the management port ${expected.management}`);
  }
}

function checkAuth(where, env, external) {
  if (!env.AUTH_AUDIENCE) fail(where, 'AUTH_AUDIENCE missing');
  if (!env.AUTH_ROLES_CLAIM) fail(where, 'AUTH_ROLES_CLAIM missing');
  if (external.includes('waiting-room-auth')) return; // the operator's ConfigMap (prod)
  for (const key of ['AUTH_ISSUER', 'AUTH_JWKS_URL']) {
    if (!/^(https?|file):\/\/?[^\s<>]+$/.test(env[key] ?? '') || PLACEHOLDER.test(env[key])) {
      fail(where, `${key} must be the issuer's URL (ConfigMap waiting-room-auth), got "${env[key] ?? ''}"`);
    }
  }
}

async function validateOverlay(overlay) {
  const dir = join(root, 'deploy/k8s/overlays', overlay);
  prepareOverlay(dir);
  const rendered = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  const objects = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);
  if (objects.length === 0) fail(overlay, 'renders no objects');
  checkSecrets(overlay, objects, rendered);
  for (const object of objects) {
    if (object.kind !== 'Namespace' && object.metadata?.namespace !== 'waiting-room') {
      fail(`${overlay}/${object.kind}/${object.metadata?.name}`, 'must be in namespace waiting-room (set namespace in the overlay)');
    }
  }
  for (const object of objects) {
    const where = `${overlay}/${object.kind}/${object.metadata?.name}`;
    const Model = await modelFor(object.apiVersion, object.kind);
    if (!Model) { fail(where, `no schema for ${object.apiVersion} ${object.kind}`); continue; }
    try { new Model(object).validate(); } catch (e) { fail(where, `schema: ${e.message}`); }
  }
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  for (const deployment of byKind('Deployment')) {
    const name = deployment.metadata.name;
    const where = `${overlay}/Deployment/${name}`;
    const pod = deployment.spec.template.spec;
    if (pod.securityContext?.runAsNonRoot !== true) fail(where, 'pod must set runAsNonRoot: true');
    for (const c of pod.containers) {
      const probe = (p, path) => {
        if (c[p]?.httpGet?.path !== path) fail(where, `${p} must GET ${path}`);
      };
      probe('startupProbe', '/q/health/started');
      probe('livenessProbe', '/q/health/live');
      probe('readinessProbe', '/q/health/ready');
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) fail(where, 'resource requests missing');
      if (!c.resources?.limits?.memory) fail(where, 'memory limit missing');
      if (c.securityContext?.readOnlyRootFilesystem !== true) fail(where, 'readOnlyRootFilesystem must be true');
      if (c.securityContext?.allowPrivilegeEscalation !== false) fail(where, 'allowPrivilegeEscalation must be false');
      if (!(c.envFrom ?? []).some((e) => e.secretRef?.name?.startsWith('waiting-room-credentials'))) {
        fail(where, 'credentials must come from the Secret waiting-room-credentials');
      }
      if (!(c.envFrom ?? []).some((e) => e.configMapRef?.name?.startsWith('waiting-room-auth'))) {
        fail(where, 'the token issuer (AUTH_ISSUER, AUTH_JWKS_URL) must come from the ConfigMap waiting-room-auth');
      }
      const { env, external } = containerEnv(where, c, objects);
      checkPorts(where, name, deployment, c, env);
      checkAuth(where, env, external);
    }
    checkShutdown(where, name, deployment.spec.template);
    const selects = (o) => Object.entries(o.spec.selector.matchLabels ?? {})
      .every(([k, v]) => deployment.spec.template.metadata.labels[k] === v);
    if (!byKind('PodDisruptionBudget').some(selects)) fail(where, 'no PodDisruptionBudget');
    const service = byKind('Service').find((s) => Object.entries(s.spec.selector).every(([k, v]) => deployment.spec.template.metadata.labels[k] === v));
    if (!service) fail(where, 'no Service');
    else if (!service.spec.ports.some((p) => p.name === 'http' && p.targetPort === 'http')) fail(where, 'Service must expose port http');
  }
  for (const name of ['api-service', 'event-ingest-service']) {
    if (!byKind('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === name)) fail(overlay, `no HPA for ${name}`);
  }
  const names = byKind('Deployment').map((d) => d.metadata.name).sort().join(',');
  if (names !== 'api-service,event-ingest-service,outbox-worker,projection-worker') fail(overlay, `unexpected deployments: ${names}`);
  if (overlay === 'prod' && byKind('Secret').length) fail(overlay, 'prod takes its Secrets from the secret manager, renders none');
  return objects.length;
}

function checkComposeService(where, name, service) {
  const { http, management } = PORTS[name];
  const test = (service.healthcheck?.test ?? []).join(' ');
  if (!test.includes(`:${management}/q/health/`)) fail(where, `healthcheck must GET /q/health/* on the management port ${management}`);
  if (test.includes(`:${http}/`)) fail(where, 'healthcheck must not use the public port');
  for (const mapping of service.ports ?? []) {
    const parts = String(mapping).split(':');
    if (Number(parts.at(-1)) === management && parts[0] !== '127.0.0.1') {
      fail(where, `management port ${management} is unauthenticated: publish it on 127.0.0.1 only`);
    }
  }
  const env = service.environment ?? {};
  for (const host of ['HTTP_HOST', 'MANAGEMENT_HOST']) if (env[host] !== '0.0.0.0') fail(where, `${host} must be 0.0.0.0`);
  for (const key of ['AUTH_ISSUER', 'AUTH_JWKS_URL', 'AUTH_AUDIENCE', 'AUTH_ROLES_CLAIM']) {
    if (!new RegExp(`^\\$\\{${key}[:}]`).test(String(env[key] ?? ''))) fail(where, `${key} must come from the environment (\${${key}...})`);
  }
  for (const [key, value] of Object.entries(env)) {
    if (/ADMIN_TOKEN/.test(key) || /change-?me/i.test(String(value))) fail(where, `${key}: no static tokens or change-me values`);
  }
}

function validatePrometheus() {
  for (const file of ['prometheus.yml', 'prometheus-local.yml']) {
    const config = parse(readFileSync(join(root, 'deploy/prometheus', file), 'utf8'));
    for (const [name, { management }] of Object.entries(PORTS)) {
      const job = config.scrape_configs?.find((j) => j.job_name === name);
      const targets = (job?.static_configs ?? []).flatMap((s) => s.targets ?? []);
      if (job?.metrics_path !== '/q/metrics' || targets.length === 0
          || !targets.every((t) => Number(t.split(':').at(-1)) === management)) {
        fail(`prometheus/${file}`, `job ${name} must scrape /q/metrics on the management port ${management}`);
      }
    }
  }
}

function validateCompose() {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services ?? {};
  for (const required of ['postgres', 'rabbitmq', 'api-service', 'outbox-worker', 'projection-worker',
    'event-ingest-service', 'prometheus', 'grafana']) {
    if (!services[required]) fail('compose', `service ${required} missing`);
  }
  for (const [name, service] of Object.entries(services)) {
    const where = `compose/${name}`;
    if (!service.healthcheck?.test) fail(where, 'healthcheck missing');
    if (!service.image && !service.build) fail(where, 'neither image nor build');
    if (service.build && !existsSync(join(root, service.build.context ?? '.', service.build.dockerfile ?? 'Dockerfile'))) {
      fail(where, `Dockerfile ${service.build.dockerfile} missing`);
    }
    for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
      if (!services[dependency]) fail(where, `depends on unknown service ${dependency}`);
      if (condition?.condition !== 'service_healthy') fail(where, `depends_on ${dependency} must wait for service_healthy`);
    }
    if (PORTS[name]) checkComposeService(where, name, service);
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(':')[0];
      if (source.startsWith('${') || source.startsWith('/')) continue; // a host path from the environment
      if (source.startsWith('./')) {
        if (!existsSync(join(root, source))) fail(where, `bind mount ${source} missing`);
      } else if (!(source in (compose.volumes ?? {}))) {
        fail(where, `named volume ${source} not declared`);
      }
    }
  }
}

function validateDockerfiles() {
  for (const service of ['api-service', 'outbox-worker', 'projection-worker', 'event-ingest-service']) {
    for (const flavour of ['jvm', 'native']) {
      const file = join(root, service, 'src/main/docker', `Dockerfile.${flavour}`);
      if (!existsSync(file)) { fail(service, `Dockerfile.${flavour} missing`); continue; }
      const where = relative(root, file);
      const text = readFileSync(file, 'utf8');
      const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      if (users.length === 0 || ['root', '0'].includes(users.at(-1))) fail(where, 'must run as a non-root USER');
      if ((text.match(/^FROM /gm) ?? []).length < 2) fail(where, 'must be multi-stage');
      const { http, management } = PORTS[service];
      const final = text.slice(text.lastIndexOf('\nFROM '));
      const envs = Object.fromEntries([...final.matchAll(/(?:^ENV\s+|^\s+|\s)([A-Z_]+)=("[^"]*"|\S+)/gm)].map((m) => [m[1], m[2]]));
      for (const [key, value] of [['HTTP_HOST', '0.0.0.0'], ['MANAGEMENT_HOST', '0.0.0.0'],
        ['HTTP_PORT', String(http)], ['MANAGEMENT_PORT', String(management)]]) {
        if (envs[key] !== value) fail(where, `ENV ${key}=${value} missing`);
      }
      if (/quarkus\.http\.host/.test(text)) fail(where, 'listen addresses come from HTTP_HOST/MANAGEMENT_HOST, not -Dquarkus.http.host');
      const exposed = (/^EXPOSE\s+(.*)$/m.exec(final)?.[1] ?? '').split(/\s+/).map(Number);
      if (!exposed.includes(http) || !exposed.includes(management)) fail(where, `EXPOSE ${http} ${management}`);
      // A native executable's heap defaults to 80 % of the container limit: too much beside its
      // 70-90 MB outside the heap (deploy/k8s/README.md, "Memory").
      if (flavour === 'native') {
        const entrypoint = /^ENTRYPOINT (.*)$/m.exec(final)?.[1] ?? '';
        const percent = /-XX:MaximumHeapSizePercent=(\d+)/.exec(entrypoint);
        if (!(percent && Number(percent[1]) <= 50) && !/-Xmx\d/.test(entrypoint)) {
          fail(where, 'the native ENTRYPOINT must bound the heap (-XX:MaximumHeapSizePercent<=50 or -Xmx)');
        }
      }
    }
  }
}

let count = 0;
for (const service of Object.keys(PORTS)) checkProperties(service);
for (const overlay of ['dev', 'prod']) count += await validateOverlay(overlay);
validateCompose();
validatePrometheus();
validateDockerfiles();
JSON.parse(readFileSync(join(root, 'deploy/grafana/dashboards/waiting-room-overview.json'), 'utf8'));

if (problems.length) {
  console.error(`deploy validation FAILED (${problems.length}):\n  ` + problems.join('\n  '));
  process.exit(1);
}
console.log(`deploy validation: ${count} Kubernetes objects in 2 overlays (probes and metrics on the management ports, `
  + 'no literal secrets), docker-compose.yml, Prometheus targets and Dockerfiles OK');
