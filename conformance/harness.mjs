// Runs a worker-build output in workerd (through Miniflare) behind one loopback HTTP port:
//
//   /__harness/secrets/<BINDING>   PUT (body = value) seeds the binding's secret, DELETE
//                                  removes it — both through Miniflare's own Secrets Store
//                                  admin API, the one vitest's adminSecretsStore() uses;
//   /__harness/health              200 once the Worker is loaded;
//   anything else                  is sent to the Worker unchanged (method, headers, body).
//
// Usage: node harness.mjs --build DIR --bindings JSON [--compatibility-date D] [--max-seconds N]
//   DIR      worker-build's output (holds worker/shim.mjs)
//   JSON     {"BINDING": {"store_id": "...", "secret_name": "..."}, ...}
// When ready it prints one line, {"url":"http://127.0.0.1:PORT"}, on stdout.
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
});
await mf.ready;

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

async function toWorker(request, body) {
  const headers = new Headers();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headers.append(request.rawHeaders[i], request.rawHeaders[i + 1]);
  }
  const hasBody = !["GET", "HEAD"].includes(request.method);
  return mf.dispatchFetch(new URL(request.url, "http://localhost"), {
    method: request.method,
    headers,
    body: hasBody ? body : undefined,
    redirect: "manual",
  });
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
      const answer = await toWorker(request, body);
      const headers = {};
      answer.headers.forEach((value, name) => {
        headers[name] = value;
      });
      response.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
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
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
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
