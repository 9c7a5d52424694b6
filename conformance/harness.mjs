// Runs a worker-build output in workerd (through Miniflare) and controls its store from one
// loopback HTTP port of its own:
//
//   /__harness/secrets/<BINDING>   PUT (body = value) seeds the binding's secret, DELETE
//                                  removes it — both through Miniflare's own Secrets Store
//                                  admin API, the one vitest's adminSecretsStore() uses;
//   /__harness/health              200 once the Worker is loaded;
//   anything else                  404: requests for the Worker never pass through Node.
//
// The driver writes the Worker's requests as raw bytes straight to workerd's own socket (the
// "worker" URL below: a direct socket of the Worker, no Miniflare entry Worker in between),
// because Node's http server and fetch trim header values ("Bearer <token> " would arrive as
// "Bearer <token>") and can never deliver "Bearer ".
//
// Usage: node harness.mjs --build DIR --bindings JSON [--compatibility-date D] [--max-seconds N]
//   DIR      worker-build's output (holds worker/shim.mjs)
//   JSON     {"BINDING": {"store_id": "...", "secret_name": "..."}, ...}
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
import { Miniflare } from "miniflare";

const CONTROL_PREFIX = "/__harness/secrets/";
// Secrets are at most 64 KiB (wrangler's limit); a bigger body is a mistake, not a secret.
const MAX_BODY_BYTES = 1 << 20;

const { values: args } = parseArgs({
  options: {
    build: { type: "string" },
    bindings: { type: "string" },
    "compatibility-date": { type: "string", default: "2025-06-01" },
    "max-seconds": { type: "string", default: "900" },
  },
});
if (!args.build || !args.bindings) {
  console.error("usage: node harness.mjs --build DIR --bindings JSON [--compatibility-date D] [--max-seconds N]");
  process.exit(2);
}
const buildDir = path.resolve(args.build);
const bindings = JSON.parse(args.bindings);
const maxSeconds = Number(args["max-seconds"]);

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
