// Runs a worker-build output in workerd (through Miniflare) and controls its store from one
// loopback HTTP port of its own:
//
//   /__harness/secrets/<BINDING>   PUT (body = value) seeds the binding's secret, DELETE
//                                  removes it — both through Miniflare's own Secrets Store
//                                  admin API, the one vitest's adminSecretsStore() uses;
//   /__harness/health              200 once the Worker is loaded;
//   /__harness/outbound            GET: every outbound request the Worker made since the last
//                                  DELETE, as JSON [{method, url, headers: [[name, value]]}];
//                                  DELETE answers the same and forgets them (with --outbound);
//   anything else                  404: requests for the Worker never pass through Node.
//
// The driver writes the Worker's requests as raw bytes straight to workerd's own socket (the
// "worker" URL below: a direct socket of the Worker, no Miniflare entry Worker in between),
// because Node's http server and fetch trim header values ("Bearer <token> " would arrive as
// "Bearer <token>") and can never deliver "Bearer ".
//
// Usage: node harness.mjs --build DIR --bindings JSON [--compatibility-date D] [--max-seconds N]
//                         [--wrangler TOML [--dev-vars FILE]] [--vars VARS] [--outbound ROUTES]
//   DIR      worker-build's output (holds worker/shim.mjs)
//   JSON     {"BINDING": {"store_id": "...", "secret_name": "..."}, ...}
//   TOML     the Worker's wrangler.toml: its top-level [vars] become Miniflare `bindings`
//            (a string var a text binding, a table a JSON binding), parsed with smol-toml
//   FILE     a .dev.vars file parsed with `dotenv`'s parse (the parser wrangler uses); its keys
//            are added as text bindings, overriding a var of the same name as wrangler does.
//            Miniflare is given bindings, not files: wrangler's choice of WHICH file to read
//            (.dev.vars.<env>, .env*) is not applied here.
//   VARS     {"NAME": <JSON>, ...}: more vars, after the config's (a run's probe-only vars,
//            so the Worker's own wrangler.toml stays as it ships); keys keep this JSON's order
//   ROUTES   [{"method": "GET", "url": "https://...", "status": 200, "headers": {...},
//            "body": "..."}]: Miniflare's `outboundService` answers every outbound fetch of the
//            Worker in this process (nothing leaves the machine) from these routes, 404
//            `no route` otherwise, and records each request it gets.
// When ready it prints one line on stdout:
//   {"url":"http://127.0.0.1:PORT","worker":"http://127.0.0.1:PORT2","entry":"http://127.0.0.1:PORT3"}
// url: this control server; worker: workerd's direct socket of the Worker; entry: workerd's
// entry socket (mf.ready), through Miniflare's entry Worker — both served by workerd itself.
//
// It never prints a secret value or a response body. It exits by itself after --max-seconds
// (default 900) and as soon as its stdin closes, so a crashed parent leaves nothing running.

import { createServer } from "node:http";
import { parseArgs } from "node:util";
import path from "node:path";
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { parse as parseToml } from "smol-toml";
import { parse as parseDotenv } from "dotenv";

const CONTROL_PREFIX = "/__harness/secrets/";
// Secrets are at most 64 KiB (wrangler's limit); a bigger body is a mistake, not a secret.
const MAX_BODY_BYTES = 1 << 20;

const { values: args } = parseArgs({
  options: {
    build: { type: "string" },
    bindings: { type: "string" },
    "compatibility-date": { type: "string", default: "2025-06-01" },
    "max-seconds": { type: "string", default: "900" },
    wrangler: { type: "string" },
    "dev-vars": { type: "string" },
    vars: { type: "string" },
    outbound: { type: "string" },
  },
});
if (!args.build || !args.bindings) {
  console.error("usage: node harness.mjs --build DIR --bindings JSON [--compatibility-date D] [--max-seconds N]");
  process.exit(2);
}
const buildDir = path.resolve(args.build);
const bindings = JSON.parse(args.bindings);
const maxSeconds = Number(args["max-seconds"]);

// The top-level [vars] of the Worker's config: strings stay strings, anything else is JSON.
function varsOf(tomlPath) {
  if (!tomlPath) return {};
  const config = parseToml(readFileSync(tomlPath, "utf8"));
  return { ...(config.vars ?? {}) };
}
const vars = { ...varsOf(args.wrangler), ...(args.vars ? JSON.parse(args.vars) : {}) };

// vars, then the .dev.vars keys over them (wrangler: a .dev.vars key overrides a var).
function plainBindings(devVarsPath) {
  const secrets = devVarsPath ? parseDotenv(readFileSync(devVarsPath)) : {};
  return { ...vars, ...secrets };
}

const outboundRoutes = args.outbound ? JSON.parse(args.outbound) : null;
const outboundSeen = [];
// Every outbound fetch of the Worker lands here (Miniflare's outboundService): recorded, and
// answered from the routes. Redirects are followed by workerd, each hop coming here again.
async function outbound(request) {
  const headers = [...request.headers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  outboundSeen.push({ method: request.method, url: request.url, headers });
  const route = outboundRoutes.find((r) => r.method === request.method && r.url === request.url);
  if (!route) return new Response("no route", { status: 404 });
  return new Response(route.body ?? null, { status: route.status, headers: route.headers ?? {} });
}

const mf = new Miniflare({
  scriptPath: path.join(buildDir, "worker", "shim.mjs"),
  modules: true,
  modulesRoot: buildDir,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: args["compatibility-date"],
  secretsStoreSecrets: bindings,
  // A socket of workerd's own that serves this Worker directly (port 0: any free one).
  unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  bindings: plainBindings(args["dev-vars"]),
  ...(outboundRoutes ? { outboundService: outbound } : {}),
});
const entryUrl = await mf.ready;
const workerUrl = await mf.unsafeGetDirectURL();

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  server.close();
  await mf.dispose().catch(() => {});
  process.exit(code);
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// Seeds or deletes one binding's secret. The admin API deletes by id, so find the id by name.
async function control(method, binding, body) {
  if (!Object.hasOwn(bindings, binding)) return [404, `binding ${binding} is not configured`];
  const admin = (await mf.getSecretsStoreSecretAPI(binding))();
  const secretName = bindings[binding].secret_name;
  if (method === "PUT") {
    await admin.create(body.toString("utf8"));
    return [204, ""];
  }
  if (method === "DELETE") {
    const entries = await admin.list();
    const ids = entries.filter((entry) => entry.name === secretName).map((entry) => entry.metadata?.uuid);
    for (const id of ids) await admin.delete(id);
    return [204, ""];
  }
  return [405, "PUT or DELETE"];
}

// "http://127.0.0.1:PORT" of a URL object Miniflare returns.
function origin(url) {
  return new URL(url).origin;
}

const server = createServer(async (request, response) => {
  try {
    const body = await readBody(request);
    const url = new URL(request.url, "http://localhost");
    if (url.pathname === "/__harness/health") {
      response.writeHead(200).end("ok");
    } else if (url.pathname === "/__harness/outbound" && outboundRoutes) {
      // DELETE answers what was recorded, then forgets it.
      const seen = JSON.stringify(outboundSeen);
      if (request.method === "DELETE") outboundSeen.length = 0;
      response.writeHead(200, { "content-type": "application/json" }).end(seen);
    } else if (url.pathname.startsWith(CONTROL_PREFIX)) {
      const binding = decodeURIComponent(url.pathname.slice(CONTROL_PREFIX.length));
      const [status, message] = await control(request.method, binding, body);
      response.writeHead(status, { "content-type": "text/plain" }).end(message);
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("the Worker is at the worker URL");
    }
  } catch (error) {
    // The message only: Miniflare's errors name bindings and secrets, never values.
    console.error(`harness: ${request.method} ${request.url}: ${error?.message ?? error}`);
    if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
    response.end("harness error");
  }
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const urls = { url: `http://127.0.0.1:${port}`, worker: origin(workerUrl), entry: origin(entryUrl) };
  process.stdout.write(`${JSON.stringify(urls)}\n`);
});

setTimeout(() => {
  console.error(`harness: stopping after --max-seconds ${maxSeconds}`);
  stop(1);
}, maxSeconds * 1000).unref();
process.stdin.on("end", () => stop(0));
process.stdin.on("error", () => stop(0));
process.stdin.resume();
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(130));
