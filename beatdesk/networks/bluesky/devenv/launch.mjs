// Starts a local Bluesky network for the test suite and prints its URLs as one JSON line on
// stdout. Full mode (PLC, PDS, AppView, which needs PostgreSQL and Redis) is the default because
// notifications (app.bsky.notification.listNotifications) are served by the AppView; "pds" mode
// starts PLC and PDS only.
//
// Environment: BLUESKY_DEVENV_MODULES (the node_modules holding @atproto/dev-env, required),
// BLUESKY_DEVENV_MODE (full | pds), BLUESKY_DEVENV_POSTGRES_URL, BLUESKY_DEVENV_REDIS_HOST,
// BLUESKY_DEVENV_SCHEMA (a name of its own per running network, so two can share a database).
//
// It stops, and drops its database schemas, on SIGTERM/SIGINT or when stdin closes (the test
// process that started it has gone).
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

const log = (...args) => console.error("[bluesky-devenv]", ...args);
const modulesDir = process.env.BLUESKY_DEVENV_MODULES;
if (!modulesDir) {
  log("BLUESKY_DEVENV_MODULES is not set; run scripts/bluesky-devenv");
  process.exit(2);
}
const load = (name, file) => import(pathToFileURL(path.join(modulesDir, name, file)).href);
const devenv = await load("@atproto/dev-env", "dist/index.js");

const mode = process.env.BLUESKY_DEVENV_MODE || "full";
const postgresUrl =
  process.env.BLUESKY_DEVENV_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const redisHost = process.env.BLUESKY_DEVENV_REDIS_HOST || "127.0.0.1:6379";
// The AppView accepts schema names of letters and underscores only: digits become letters.
const schema = (process.env.BLUESKY_DEVENV_SCHEMA || `beatdesk_${process.pid}`).replace(
  /[^A-Za-z_]/g,
  (c) => (/\d/.test(c) ? String.fromCharCode(97 + Number(c)) : "_"),
);
const schemas = [`appview_${schema}`, `bsync_${schema}`, `ozone_${schema}`];

async function dropSchemas() {
  if (mode !== "full") return;
  const pg = (await load("pg", "lib/index.js")).default;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const name of schemas) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

let network;
if (mode === "full") {
  await dropSchemas();
  network = await devenv.TestNetwork.create({
    dbPostgresUrl: postgresUrl,
    dbPostgresSchema: schema,
    pds: { hostname: "localhost" },
  });
  // TestNetwork reads the Redis host from the environment only.
  void redisHost;
} else {
  network = await devenv.TestNetworkNoAppView.create({});
}

// Tests ask the network to finish indexing (the AppView follows the PDS's firehose) before
// they read notifications, instead of sleeping.
const control = http.createServer(async (req, res) => {
  try {
    if (req.method === "POST" && req.url === "/process-all") {
      await network.processAll(10_000);
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" }).end(String(err?.stack || err));
  }
});
await new Promise((resolve) => control.listen(0, "127.0.0.1", resolve));

const loopback = (url) => url && url.replace("//localhost:", "//127.0.0.1:");
process.stdout.write(
  JSON.stringify({
    mode,
    pds: loopback(network.pds.url),
    plc: loopback(network.plc.url),
    appview: loopback(network.bsky?.url ?? null),
    control: `http://127.0.0.1:${control.address().port}`,
    pid: process.pid,
  }) + "\n",
);

let stopping = false;
async function stop(reason) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  const timer = setTimeout(() => process.exit(1), 15_000);
  timer.unref();
  try {
    control.close();
    await network.close();
    await dropSchemas();
  } catch (err) {
    log("error while stopping:", err);
  }
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
process.stdin.on("end", () => stop("stdin closed"));
process.stdin.resume();
