// Validates what operators deploy, without a cluster or a Docker engine:
//  1. each kustomize overlay renders (kubectl kustomize) and every object passes the
//     Kubernetes OpenAPI schema (kubernetes-models);
//  2. policy: every Deployment has startup/liveness/readiness probes on /q/health/*,
//     resource requests and limits, runs as non-root with a read-only root filesystem;
//     api-service and event-ingest-service have an HPA; every Deployment has a PDB;
//     a preStop sleep, and a grace period longer than that sleep plus its declared SIGTERM budget
//     (annotation waiting-room.io/shutdown-seconds, at least the service's quarkus.shutdown.timeout);
//  3. docker-compose.yml: every service has a healthcheck, depends_on targets exist and are
//     healthchecked, referenced files and named volumes exist.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

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

async function validateOverlay(overlay) {
  const rendered = execFileSync('kubectl', ['kustomize', join(root, 'deploy/k8s/overlays', overlay)], { encoding: 'utf8' });
  const objects = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);
  if (objects.length === 0) fail(overlay, 'renders no objects');
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
      if (!(c.envFrom ?? []).some((e) => e.secretRef)) fail(where, 'credentials must come from a Secret');
    }
    checkShutdown(where, name, deployment.spec.template);
    const selects = (o) => Object.entries(o.spec.selector.matchLabels ?? {})
      .every(([k, v]) => deployment.spec.template.metadata.labels[k] === v);
    if (!byKind('PodDisruptionBudget').some(selects)) fail(where, 'no PodDisruptionBudget');
    if (!byKind('Service').some((s) => Object.entries(s.spec.selector).every(([k, v]) => deployment.spec.template.metadata.labels[k] === v))) {
      fail(where, 'no Service');
    }
  }
  for (const name of ['api-service', 'event-ingest-service']) {
    if (!byKind('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === name)) fail(overlay, `no HPA for ${name}`);
  }
  const names = byKind('Deployment').map((d) => d.metadata.name).sort().join(',');
  if (names !== 'api-service,event-ingest-service,outbox-worker,projection-worker') fail(overlay, `unexpected deployments: ${names}`);
  return objects.length;
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
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(':')[0];
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
      const text = readFileSync(file, 'utf8');
      const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      if (users.length === 0 || ['root', '0'].includes(users.at(-1))) fail(file, 'must run as a non-root USER');
      if ((text.match(/^FROM /gm) ?? []).length < 2) fail(file, 'must be multi-stage');
    }
  }
}

let count = 0;
for (const overlay of ['dev', 'prod']) count += await validateOverlay(overlay);
validateCompose();
validateDockerfiles();
JSON.parse(readFileSync(join(root, 'deploy/grafana/dashboards/waiting-room-overview.json'), 'utf8'));

if (problems.length) {
  console.error(`deploy validation FAILED (${problems.length}):\n  ` + problems.join('\n  '));
  process.exit(1);
}
console.log(`deploy validation: ${count} Kubernetes objects in 2 overlays, docker-compose.yml and Dockerfiles OK`);
