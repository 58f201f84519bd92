// Copies the shipped rule files (../../rules) into test/rules, where their grammar snapshots
// are kept, and fails when one has no snapshot yet (run `npm run snap:update` and review it):
// a missing snapshot would otherwise be written, and pass, without anyone looking at it.
const fs = require("fs");
const path = require("path");

const from = path.join(__dirname, "..", "..", "..", "rules");
const to = path.join(__dirname, "rules");
const updating = process.argv.includes("--update");
const missing = [];

function copy(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const source = path.join(dir, entry.name);
    const target = path.join(to, path.relative(from, source));
    if (entry.isDirectory()) {
      copy(source);
    } else if (entry.name.endsWith(".deal")) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
      if (!fs.existsSync(target + ".snap")) {
        missing.push(path.relative(to, target));
      }
    }
  }
}

copy(from);
if (missing.length > 0 && !updating) {
  console.error(`no grammar snapshot for: ${missing.join(", ")} (run \`npm run snap:update\`)`);
  process.exit(1);
}
