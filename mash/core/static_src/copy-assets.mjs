// Copies the GOV.UK Frontend JavaScript and images (never the GDS Transport fonts) into
// mash/core/static/govuk/, next to the CSS that `npm run build:css` compiles.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve("govuk-frontend/dist/govuk/govuk-frontend.min.js"));
const target = join(dirname(fileURLToPath(import.meta.url)), "..", "static", "govuk");

mkdirSync(target, { recursive: true });
// The source map travels with the script: Django's ManifestStaticFilesStorage follows the
// sourceMappingURL comment and fails collectstatic if the map is missing.
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(dist, file), join(target, file));
}
cpSync(join(dist, "assets", "images"), join(target, "assets", "images"), { recursive: true });
console.log(`GOV.UK Frontend script and images copied to ${target}`);
