// Loads the live page (GET /metrics/live) of a running service in headless Chromium and
// checks that what it draws is what the service reported: every number on the page against
// the report the page received from the server, the charts' last points against it too, the
// route, dependency and tool tables row by row; then, read fresh from the service, the
// summary's tools and a Prometheus series for every route and tool shown. Also that it keeps
// refreshing and logs no error. Saves a screenshot.
//
//   node scripts/check_live_page.mjs URL [TOKEN] [SCREENSHOT]
//
// playwright-core comes from PLAYWRIGHT_DIR (scripts/e2e.py installs it there); the browser
// is the system's Chromium (CHROMIUM, default /usr/bin/chromium), as npm cannot fetch one.
import { createRequire } from "node:module";

const [url, token, screenshot] = process.argv.slice(2);
const require = createRequire(`${process.env.PLAYWRIGHT_DIR}/`);
const { chromium } = require("playwright-core");

function fail(message) {
  console.error(`live page: FAILED: ${message}`);
  process.exit(1);
}

function get(object, path) {
  return path.split(".").reduce((value, key) => (value == null ? undefined : value[key]), object);
}

const asShown = (value) => (value == null ? "" : String(value));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // Root in CI, and a machine whose network is closed: no sandbox, no background traffic.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1100 },
    // What a person types into the browser's prompt: any user, the token as the password.
    httpCredentials: token ? { username: "operator", password: token } : undefined,
  });
  const page = await context.newPage();
  const received = [];
  const errors = [];
  page.on("response", async (response) => {
    if (new URL(response.url()).pathname.endsWith("/metrics/report")) {
      try { received.push(await response.json()); } catch (error) { errors.push(String(error)); }
    }
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });

  const answer = await page.goto(`${url}?interval=500`);
  if (!answer || answer.status() !== 200) fail(`the page answered ${answer && answer.status()}`);
  await page.waitForFunction(() => Number(document.body.dataset.updates) >= 4, null, { timeout: 30_000 })
    .catch(() => fail("the page did not refresh four times in 30 s"));

  // One synchronous read: the report the page last drew and what it shows for it.
  const seen = await page.evaluate(() => ({
    report: window.liveReport,
    status: document.getElementById("status").className,
    fields: [...document.querySelectorAll("[data-field]")].map((element) => ({
      path: element.dataset.field, value: element.dataset.value, text: element.textContent })),
    charts: [...document.querySelectorAll("[data-chart]")].map((figure) => {
      const svg = figure.querySelector("svg");
      const points = svg.querySelector("polyline").getAttribute("points") || "";
      return { path: figure.dataset.chart, value: svg.dataset.value, points: Number(svg.dataset.points),
               drawn: points.trim() ? points.trim().split(/\s+/).length : 0 };
    }),
    tables: [...document.querySelectorAll("table[data-rows]")].map((table) => ({
      rows: table.dataset.rows,
      keys: [...table.querySelectorAll("tbody tr[data-key]")].map((row) => ({
        key: row.dataset.key,
        cells: Object.fromEntries([...row.querySelectorAll("td[data-column]")]
          .map((cell) => [cell.dataset.column, cell.dataset.value])),
      })),
    })),
  }));

  if (errors.length) fail(`the page logged errors: ${errors.join("; ")}`);
  if (seen.status === "error") fail("the page shows an error status");
  const report = seen.report;
  if (!received.some((body) => JSON.stringify(body) === JSON.stringify(report))) {
    fail("the report the page drew is not one the server sent");
  }
  if (!(report.requests.total > 0)) fail(`no traffic in the report: ${JSON.stringify(report.requests)}`);

  for (const field of seen.fields) {
    if (field.value !== asShown(get(report, field.path))) {
      fail(`${field.path} shows ${field.value}, the report says ${get(report, field.path)}`);
    }
    if (!field.text.trim()) fail(`${field.path} shows nothing`);
  }
  for (const chart of seen.charts) {
    if (chart.value !== asShown(get(report, chart.path))) {
      fail(`the ${chart.path} chart ends at ${chart.value}, the report says ${get(report, chart.path)}`);
    }
    // A figure the report leaves null (a quantile only bounded) draws no point for it.
    const enough = get(report, chart.path) == null || chart.points >= 3;
    if (!enough || chart.drawn !== chart.points) {
      fail(`the ${chart.path} chart has ${chart.drawn} points drawn of ${chart.points} known`);
    }
  }
  const dependencyRows = (r) => ["db", "platform"].filter((name) => r.dependencies[name])
    .map((name) => Object.assign({ name: name === "db" ? "database" : "platform APIs" }, r.dependencies[name]));
  for (const table of seen.tables) {
    const key = { "routes.slowest": "route", "routes.most_called": "route", dependencies: "name",
                  tools: "tool", "alerts.active": "type", "alerts.history": "type" }[table.rows];
    const limit = table.rows === "alerts.history" ? 20 : 10;
    const rows = (table.rows === "dependencies" ? dependencyRows(report) : get(report, table.rows) || [])
      .slice(0, limit);
    if (rows.length !== table.keys.length) {
      fail(`${table.rows}: ${table.keys.length} rows shown, ${rows.length} reported`);
    }
    rows.forEach((row, index) => {
      const shown = table.keys[index];
      if (shown.key !== asShown(row[key])) fail(`${table.rows} row ${index}: ${shown.key}, reported ${row[key]}`);
      for (const [column, value] of Object.entries(shown.cells)) {
        if (value !== asShown(row[column])) {
          fail(`${table.rows} ${shown.key} ${column}: ${value}, reported ${row[column]}`);
        }
      }
    });
  }

  // Read now from the service itself: the summary names the same tools and has counted on,
  // and the Prometheus scrape has a series for every route and tool the page shows.
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const summary = await (await page.request.get(new URL("summary", url).href, { headers })).json();
  const names = (list, key) => (list || []).map((item) => item[key]).sort().join(",");
  if (names(summary.tools, "tool") !== names(report.tools, "tool")) {
    fail(`tools: summary ${names(summary.tools, "tool")}, page ${names(report.tools, "tool")}`);
  }
  const scrape = await (await page.request.get(new URL("../metrics", url).href, { headers })).text();
  const routes = [...report.routes.slowest, ...report.routes.most_called].map((row) => row.route);
  for (const route of routes.filter((route) => route !== "(unmatched)")) {
    if (!scrape.includes(`http_route="${route}"`)) fail(`route ${route} is not in the scrape`);
  }
  for (const tool of report.tools || []) {
    if (!scrape.includes(`tool_name="${tool.tool}"`)) fail(`tool ${tool.tool} is not in the scrape`);
  }
  if (summary.requests.total < report.requests.total) fail("the summary counted fewer requests than the page");

  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`live page: ${seen.fields.length} figures, ${seen.charts.length} charts and ` +
    `${seen.tables.length} tables match the report (${report.requests.total} requests, ` +
    `${(report.tools || []).length} tools, ${report.alerts.active.length} alerts firing)`);
} finally {
  await browser.close();
}
